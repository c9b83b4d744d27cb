"""The plan importer through the API: upload a file → preview → confirm (or discard).

The same service as the command and the web wizard (``tasks.importing``); the preview
is the structure read out of the file (SCHEMA.md format) with every unit name resolved
or listed with its closest candidates, and the doubtful targets named.
"""
from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.response import Response

from core.api.base import AuditMixin
from core.api.fields import CodeRelatedField
from security.dates import check_date
from tasks import importing, selectors
from tasks.models import WorkPlan
from units.models import Committee

T = gettext_lazy
TAG = T("计划导入")


class PlanImportUploadSerializer(serializers.Serializer):
    committee = CodeRelatedField(slug_field="code", queryset=Committee.objects.all(),
                                 help_text=T("残工委代码，如 jilin"))
    file = serializers.FileField(help_text=T("计划文件：.txt、.docx/.doc/.wps、.xlsx/.xls/.et、.rtf、PDF（文字版或扫描件）、JPG/PNG/TIFF 扫描图片"))


class PlanOverridesSerializer(serializers.Serializer):
    """Corrections of the plan's metadata: each field typed and in range (a bad date is a 400, never a 500)."""

    title = serializers.CharField(max_length=200, required=False, allow_blank=True)
    doc_number = serializers.CharField(max_length=60, required=False, allow_blank=True)
    issuer = serializers.CharField(max_length=120, required=False, allow_blank=True)
    issued_on = serializers.DateField(required=False, allow_null=True)
    period_start = serializers.IntegerField(min_value=1949, max_value=2100, required=False, allow_null=True)
    period_end = serializers.IntegerField(min_value=1949, max_value=2100, required=False, allow_null=True)

    def validate_issued_on(self, value):
        try:
            check_date(value, label=_("印发日期"))
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from None
        return value.isoformat() if value else value

    def validate(self, attrs):
        start, end = attrs.get("period_start"), attrs.get("period_end")
        if start and end and end < start:
            raise serializers.ValidationError({"period_end": [_("截止年度不能早于起始年度。")]})
        return attrs


class PlanImportConfirmSerializer(serializers.Serializer):
    unit_choices = serializers.DictField(
        child=serializers.CharField(), required=False, default=dict,
        help_text=T("无法识别的单位名称 → 本残工委单位的 id，或 \"new\" 新建单位，或 \"ignore\" 忽略（不是成员单位）；选定的对应关系记为别名"),
    )
    plan = PlanOverridesSerializer(required=False, default=dict,
                                   help_text=T("更正计划信息：title、doc_number、issuer、issued_on、period_start、period_end"))
    keep_targets = serializers.ListField(
        child=serializers.RegexField(r"^\d+:\d+$"), required=False, allow_null=True, default=None,
        help_text=T("要保存的目标，“任务序号:目标序号”（从0起）；省略则保存全部非存疑目标"),
    )
    kind = serializers.ChoiceField(choices=WorkPlan.Kind.choices, required=False, allow_null=True, default=None)
    status = serializers.ChoiceField(choices=[WorkPlan.Status.DRAFT, WorkPlan.Status.PUBLISHED],
                                     default=WorkPlan.Status.DRAFT)


PREVIEW = OpenApiResponse(OpenApiTypes.OBJECT, description=T("识别结果：structure、units、unknown_units、doubtful_targets…"))


@extend_schema_view(
    retrieve=extend_schema(summary=T("导入预览"), responses={200: PREVIEW}, tags=[TAG]),
    create=extend_schema(
        summary=T("上传计划文件并识别"),
        description=T("读出章节、任务、牵头和参加单位、量化目标，返回预览；不创建计划。仅该残工委办公室（或读写客户端）可用。"),
        request={"multipart/form-data": PlanImportUploadSerializer},
        responses={201: PREVIEW, 202: OpenApiResponse(OpenApiTypes.OBJECT, description=T(
            "扫描件：已开始文字识别（OCR），status 为 reading，progress 为已识别/总页数；轮询 status_url 直至 preview 或 failed"))},
        tags=[TAG],
    ),
)
class PlanImportViewSet(AuditMixin, mixins.CreateModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = PlanImportUploadSerializer
    parser_classes = [MultiPartParser, JSONParser]

    def get_queryset(self):
        return selectors.visible_imports(self.request.user)

    def create(self, request, *args, **kwargs):
        upload = PlanImportUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        file = upload.validated_data["file"]
        if file.size > settings.LUOSHI_MAX_UPLOAD_BYTES:  # checked before the file is read into memory
            raise serializers.ValidationError({"file": [
                _("文件过大（%(size)s），超过了 %(max)s 的上限。请删去图片等与任务无关的内容，或把计划拆成几部分分别导入。")
                % {"size": filesizeformat(file.size), "max": filesizeformat(settings.LUOSHI_MAX_UPLOAD_BYTES)}]})
        record = importing.start_import(committee=upload.validated_data["committee"], user=request.user,
                                        data=file.read(), filename=file.name)
        self.audit_object = record
        body = importing.preview(record)
        if record.status == record.Status.PREVIEW:
            return Response(body, status=status.HTTP_201_CREATED)
        # a scan: read by OCR in a job; poll the status URL (status, progress) until it is "preview" or "failed"
        body["status_url"] = request.build_absolute_uri(f"{request.path.rstrip('/')}/{record.pk}/")
        return Response(body, status=status.HTTP_202_ACCEPTED)

    def retrieve(self, request, *args, **kwargs):
        return Response(importing.preview(self.get_object()))

    @extend_schema(summary=T("确认导入，创建计划"), request=PlanImportConfirmSerializer,
                   responses={201: OpenApiResponse(OpenApiTypes.OBJECT, description=T("{\"plan_id\": …}"))}, tags=[TAG])
    @action(detail=True, methods=["post"], parser_classes=[JSONParser])
    def confirm(self, request, pk=None):
        record = self.get_object()
        body = PlanImportConfirmSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        plan = importing.confirm_import(
            record=record, user=request.user, unit_choices=data["unit_choices"], plan_overrides=data["plan"],
            keep_targets=data["keep_targets"], kind=data["kind"], status=data["status"],
        )
        self.audit_object = plan
        return Response({"plan_id": plan.pk, "title": plan.title, "task_count": plan.tasks.count()},
                        status=status.HTTP_201_CREATED)

    @extend_schema(summary=T("放弃导入"), request=None, responses={200: PREVIEW}, tags=[TAG])
    @action(detail=True, methods=["post"], parser_classes=[JSONParser])
    def discard(self, request, pk=None):
        record = importing.discard_import(record=self.get_object(), user=request.user)
        return Response(importing.preview(record))
