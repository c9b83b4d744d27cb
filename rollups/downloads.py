"""The one way a summary file leaves the server, for the web page and the API alike."""
from django.http import FileResponse

from .selectors import SUMMARY_CONTENT_TYPES


def summary_response(summary_file, handle) -> FileResponse:
    return FileResponse(handle, as_attachment=True,
                        filename=summary_file.filename or f"summary.{summary_file.kind}",
                        content_type=SUMMARY_CONTENT_TYPES.get(summary_file.kind, "application/octet-stream"))
