import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from projects.models import Enterprise
from projects.validators import credit_code_check_character, validate_credit_code
from tests.factories import EnterpriseFactory

# The example printed in GB 32100-2015 explanations; its check character is 3.
VALID = "91350100M000100Y43"


def test_check_character_follows_gb_32100_weights():
    # Worked by hand: sum(index * weight) over the first 17 characters = 1640; 1640 % 31 = 28; 31 - 28 = 3.
    assert credit_code_check_character(VALID[:17]) == "3"
    validate_credit_code(VALID)


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("91350100M000100Y44", "校验位错误：第 18 位应为 3"),
        ("91350100M000100Y4", "应为 18 位"),
        ("91350100M000100O43", "不允许的字符：O"),
        ("9135AB00M000100Y43", "行政区划代码"),
    ],
)
def test_wrong_codes_are_refused_with_a_reason(code, message):
    with pytest.raises(ValidationError) as excinfo:
        validate_credit_code(code)
    assert message in excinfo.value.messages[0]


@pytest.mark.django_db
def test_model_clean_refuses_a_bad_check_digit_and_tidies_a_pasted_code():
    enterprise = EnterpriseFactory.build(credit_code="91350100M000100Y44")
    with pytest.raises(ValidationError) as excinfo:
        enterprise.full_clean()
    assert "校验位" in excinfo.value.message_dict["credit_code"][0]

    enterprise.credit_code = " 91350100m000100y43 "
    enterprise.full_clean()
    assert enterprise.credit_code == VALID


@pytest.mark.django_db
def test_admin_style_model_form_normalises_and_validates():
    class EnterpriseForm(forms.ModelForm):
        class Meta:
            model = Enterprise
            fields = ["name", "slug", "credit_code"]

    good = EnterpriseForm(data={"name": "校验企业", "slug": "jiao-yan", "credit_code": "91350100m000100y43"})
    assert good.is_valid(), good.errors
    assert good.cleaned_data["credit_code"] == VALID
    bad = EnterpriseForm(data={"name": "校验企业", "slug": "jiao-yan", "credit_code": "91350100M000100Y40"})
    assert not bad.is_valid()
    assert "校验位" in bad.errors["credit_code"][0]


@pytest.mark.django_db
def test_database_refuses_a_short_code_and_a_second_enterprise_with_the_same_code():
    EnterpriseFactory(credit_code=VALID)
    other = Enterprise.objects.filter(pk=EnterpriseFactory().pk)  # a write that skips the services
    with pytest.raises(IntegrityError), transaction.atomic():
        other.update(credit_code=VALID)
    with pytest.raises(IntegrityError), transaction.atomic():
        other.update(credit_code="12345")
