"""Password policy beyond Django's validators: several kinds of characters."""
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class CharacterClassesValidator:
    """At least ``min_classes`` of: lower-case letters, upper-case letters, digits, other characters."""

    def __init__(self, min_classes=3):
        self.min_classes = min_classes

    def validate(self, password, user=None):
        classes = [
            any(c.islower() for c in password),
            any(c.isupper() for c in password),
            any(c.isdigit() for c in password),
            any(not c.isalnum() for c in password),
        ]
        if sum(classes) < self.min_classes:
            raise ValidationError(
                _("密码须包含小写字母、大写字母、数字、符号中的至少%(n)s类。") % {"n": self.min_classes},
                code="password_too_simple",
            )

    def get_help_text(self):
        return _("密码须包含小写字母、大写字母、数字、符号中的至少%(n)s类。") % {"n": self.min_classes}
