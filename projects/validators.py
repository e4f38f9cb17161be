"""Validators for identifiers the office types in: the unified social credit code (统一社会信用代码)."""

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

# GB 32100-2015: 31 characters (digits and capitals without I, O, S, V, Z) and the weights of
# the first 17 positions; the 18th is a check character.
CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
CREDIT_CODE_LENGTH = 18


def normalise_credit_code(value: str | None) -> str:
    """Upper-case and drop spaces, the way people copy a code off a licence."""
    return "".join((value or "").split()).upper()


def credit_code_check_character(first17: str) -> str:
    """The 18th character of a unified social credit code whose first 17 are given."""
    total = sum(CREDIT_CODE_ALPHABET.index(char) * weight for char, weight in zip(first17[:17], CREDIT_CODE_WEIGHTS, strict=True))
    return CREDIT_CODE_ALPHABET[(31 - total % 31) % 31]


def validate_credit_code(value: str) -> None:
    """Refuse anything that is not an 18-character code with a correct check character (GB 32100-2015).

    An empty value is left to ``blank=True``: the report gives no code for most enterprises.
    """
    if not value:
        return
    code = value
    if len(code) != CREDIT_CODE_LENGTH:
        raise ValidationError(
            _("统一社会信用代码应为 18 位，现为 %(length)d 位。"), code="credit_code_length",
            params={"length": len(code)},
        )
    bad = sorted({char for char in code if char not in CREDIT_CODE_ALPHABET})
    if bad:
        raise ValidationError(
            _("统一社会信用代码含有不允许的字符：%(chars)s（不使用 I、O、S、V、Z 及小写字母）。"),
            code="credit_code_chars", params={"chars": "、".join(bad)},
        )
    if not code[2:8].isdigit():
        raise ValidationError(
            _("统一社会信用代码第 3–8 位应为行政区划代码（数字）。"), code="credit_code_region"
        )
    expected = credit_code_check_character(code[:17])
    if code[17] != expected:
        raise ValidationError(
            _("统一社会信用代码校验位错误：第 18 位应为 %(expected)s，现为 %(actual)s。请核对是否抄错。"),
            code="credit_code_check", params={"expected": expected, "actual": code[17]},
        )


class CreditCodeFormField(forms.CharField):
    """A form field that tidies a pasted code (spaces, lower case) before validating it."""

    def to_python(self, value):
        return normalise_credit_code(super().to_python(value))


class CreditCodeField(models.CharField):
    """统一社会信用代码: normalised, 18 characters with a GB 32100-2015 check character, or empty."""

    default_validators = [validate_credit_code]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", CREDIT_CODE_LENGTH)
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        return normalise_credit_code(value) if value is not None else value

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": CreditCodeFormField, **kwargs})
