"""The one exception the plan importer raises.

Every failure the importer can meet — an empty upload, a PDF scan without a text
layer, a corrupt zip, a document in which no task can be found — ends up as a
:class:`PlanImportError` carrying a message in Chinese that tells the person who
uploaded the file what is wrong *and what to do about it*. The web layer can show
``str(exc)`` as it is; ``exc.code`` is a stable machine-readable tag for tests,
logging and translations.
"""

from __future__ import annotations

__all__ = ["MESSAGES", "PlanImportError", "import_error"]


class PlanImportError(Exception):
    """A plan file could not be imported; ``message_zh`` says why and what to do."""

    def __init__(self, message_zh: str, code: str = "invalid") -> None:
        super().__init__(message_zh)
        self.message_zh = message_zh
        self.code = code

    def __str__(self) -> str:
        return self.message_zh

    def __repr__(self) -> str:
        return f"PlanImportError(code={self.code!r}, message_zh={self.message_zh!r})"


# code -> message. Codes with a message built at the call site: "too_large" (sizes),
# "wrong_content" (the extension named).
_SUPPORTED = (
    "请上传 Word（.docx/.doc）、WPS（.wps/.et）、Excel（.xlsx/.xls）、文字版或扫描版 PDF、图片或纯文本（.txt）格式的计划文件。"
)
MESSAGES = {
    "empty": "上传的文件是空的（没有任何内容）。请确认选择了正确的计划文件后重新上传。",
    "blank": "文件中只有空白，没有可读取的文字。请确认选择了正确的计划文件后重新上传。",
    "corrupt_zip": (
        "文件已损坏：它是 Word/Excel 使用的压缩格式，但无法解压。请在 Word 或 Excel 中打开原文件，"
        "重新“另存为”.docx 或 .xlsx 后再上传。"
    ),
    "corrupt_docx": (
        "Word 文件已损坏或内容不完整，无法读取。请在 Word 中打开原文件，重新“另存为”.docx 后再上传。"
    ),
    "corrupt_xlsx": (
        "Excel 文件已损坏或内容不完整，无法读取。请在 Excel 中打开原文件，重新“另存为”.xlsx 后再上传。"
    ),
    "zip_bomb": "文件解压后体积异常巨大，出于安全原因拒绝读取。请检查文件来源，或将计划内容另存为新文件后上传。",
    "other_zip": "这是一个 ZIP 压缩包，不是 Word 或 Excel 文件。请解压后上传其中的计划文件。" + _SUPPORTED,
    "opendocument": (
        "这是 WPS/LibreOffice 的 OpenDocument 格式（.odt/.ods），系统无法直接读取。请“另存为”.docx 或 .xlsx 后再上传。"
    ),
    "office_encrypted": "文件设置了打开密码（已加密），无法读取内容。请在 Word/Excel 中取消密码保护后重新保存，再上传。",
    "converter_missing": (
        "这是旧版 Word/WPS/Excel 文件（.doc/.wps/.xls/.et/.rtf），需要 LibreOffice 转换后才能读取，"
        "但服务器上没有安装 LibreOffice。请系统管理员安装：apt-get install libreoffice-writer-nogui "
        "libreoffice-calc-nogui fonts-noto-cjk；或者您先在 Word/WPS 中“另存为”.docx 或 .xlsx 后再上传。"
    ),
    "convert_timeout": (
        "旧版 Word/WPS/Excel 文件转换超时（文件可能过大或已损坏）。请在 Word/WPS 中“另存为”.docx 或 .xlsx 后再上传。"
    ),
    "convert_failed": (
        "旧版 Word/WPS/Excel 文件已损坏或内容不完整，无法转换读取。请在 Word/WPS 中打开原文件，"
        "重新“另存为”.docx 或 .xlsx 后再上传。"
    ),
    "ole_unknown": (
        "这是 Office 复合文档，但既不是 Word 文档也不是 Excel 表格（可能是 PowerPoint 或其他文件）。" + _SUPPORTED
    ),
    "image": (
        "这是图片文件，系统无法识别图片中的文字，需要先进行文字识别（OCR）。"
        "请上传 Word、Excel、文字版 PDF 或纯文本格式的计划文件。"
    ),
    "ocr_missing": (
        "这是扫描件或图片，需要文字识别（OCR），但服务器上没有安装识别引擎。请系统管理员安装："
        "pip install rapidocr-onnxruntime；或者您提供文字版 PDF 或 Word 版本。"
    ),
    "image_too_large": (
        "图片尺寸过大（像素数超过上限，或是异常的“解压炸弹”图片），出于安全原因拒绝读取。"
        "请用 150–300 dpi 重新扫描，或把图片缩小后再上传。"
    ),
    "image_corrupt": "图片文件已损坏或不完整，无法读取。请重新扫描或重新导出图片后再上传。",
    "ocr_timeout": "扫描件中有一页文字识别超时（图片可能过大或不清晰）。请用 150–300 dpi 重新扫描后再上传。",
    "ocr_no_text": "扫描件中没有识别出任何文字（可能是空白页或图片过于模糊）。请确认扫描件清晰后重新上传。",
    "ocr_failed": (
        "扫描件文字识别时发生意外错误，未能完成导入。请重新扫描或提供文字版 PDF、Word 版本；如仍不成功，请把文件发给系统管理员。"
    ),
    "ocr_cancelled": "已取消文字识别。",
    "pdf_encrypted": (
        "PDF 文件已加密（需要密码才能打开），无法读取内容。请提供未加密的 PDF，或用原软件取消密码后重新导出再上传。"
    ),
    "pdf_corrupt": "PDF 文件已损坏或格式不正确，无法打开。请重新下载或重新导出 PDF 后再上传。",
    "pdf_image_only": (
        "这个 PDF 是扫描件或图片，没有可提取的文字层，需要先进行文字识别（OCR）。"
        "请提供文字版 PDF 或 Word 版本，或先对扫描件做 OCR 再上传。"
    ),
    "pdf_no_text": "PDF 中没有任何可读取的文字。请确认文件内容，或改为上传 Word 版本。",
    "pdf_bad_font": (
        "PDF 中的文字无法正确提取（字体缺少编码信息，读出来是乱码）。请提供 Word 版本，或用其他软件重新导出 PDF 后再上传。"
    ),
    "pdf_too_many_pages": "PDF 页数过多（超过 500 页），不像是一份工作计划。请只上传计划本身。",
    "too_many_merges": (
        "Excel 表格中的合并单元格过多或范围过大，不像是一份任务分工表，出于安全原因拒绝读取。"
        "请取消不必要的合并单元格（或把任务表复制到新的工作簿）后重新上传。"
    ),
    "too_many_paragraphs": (
        "文件中的段落或表格行过多（超过 %(limit)s 个），不像是一份工作计划，出于安全原因拒绝读取。"
        "请只上传计划本身，或把计划拆成几部分分别导入。"
    ),
    "encoding": (
        "无法识别文本文件的编码，读出来是乱码。请用记事本或 WPS 打开后“另存为”UTF-8 编码的文本文件，再上传。"
    ),
    "binary": "文件内容不是可读的文字（可能是程序、压缩包或其他二进制文件）。" + _SUPPORTED,
    "xlsx_empty": "Excel 文件中没有任何数据。请确认任务分工表在工作表中，然后重新上传。",
    "no_tasks": (
        "未在文件中找到任何工作任务。系统能识别的任务形式是：带编号的条目（如“1.”“（一）”，"
        "单位写在括号里，如“（牵头单位：……；参加单位：……）”），或带有“序号、工作任务、负责单位”"
        "表头的任务分工表。请确认上传的是工作计划本身（不是通知正文或扫描图片），必要时调整编号格式后重新上传。"
    ),
    "parse_failed": (
        "解析文件内容时发生意外错误，未能完成导入。请将文件另存为 .docx 或纯文本（.txt）后重试；"
        "如仍不成功，请把文件发给系统管理员。"
    ),
    "bad_argument": "无法解析：传入的内容既不是文件字节，也不是文本或已读取的文档。",
    "read_failed": (
        "读取文件时发生意外错误，未能完成导入。请将文件另存为 .docx 或纯文本（.txt）后重试；如仍不成功，请把文件发给系统管理员。"
    ),
}


def import_error(code: str, message: str | None = None) -> PlanImportError:
    """The error for ``code``, with its standard message unless one is given."""
    return PlanImportError(message or MESSAGES[code], code)
