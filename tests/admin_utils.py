"""Helpers for driving the Django admin the way a browser does: read the rendered form, post it back."""

from django.forms import Form, ModelMultipleChoiceField, MultipleChoiceField
from django.urls import reverse


def admin_url(model, action: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{action}", args=args)


def _form_values(form: Form) -> dict:
    data: dict = {}
    for bound_field in form:
        value = bound_field.value()
        if isinstance(value, bool):
            if value:
                data[bound_field.html_name] = "on"
        elif value is None:
            if not isinstance(bound_field.field, MultipleChoiceField | ModelMultipleChoiceField):
                data[bound_field.html_name] = ""
        elif isinstance(value, list | tuple):
            data[bound_field.html_name] = [str(item) for item in value]
        else:
            data[bound_field.html_name] = str(value)
    return data


def form_data(response) -> dict:
    """The POST data a browser would send back unchanged from a rendered admin add/change page."""
    data = _form_values(response.context["adminform"].form)
    for inline_admin_formset in response.context.get("inline_admin_formsets", ()):
        formset = inline_admin_formset.formset
        data.update(_form_values(formset.management_form))
        for form in formset.forms:
            data.update(_form_values(form))
    return data


def form_errors(response) -> dict:
    """Every error on a re-rendered admin page: the main form's and the inlines', as flat text."""
    errors = {field: [str(m) for m in messages] for field, messages in response.context["adminform"].form.errors.items()}
    for inline_admin_formset in response.context.get("inline_admin_formsets", ()):
        formset = inline_admin_formset.formset
        for index, form_errors_ in enumerate(formset.errors):
            for field, messages in form_errors_.items():
                errors[f"{formset.prefix}-{index}-{field}"] = [str(m) for m in messages]
        if formset.non_form_errors():
            errors[f"{formset.prefix}-__all__"] = [str(m) for m in formset.non_form_errors()]
    return errors


def assert_admin_pages_work(client, *, obj, search: str, add_data: dict, change_data: dict | None = None) -> None:
    """Changelist, Chinese search, add (GET + valid POST), change (GET + POST) as an office worker does them."""
    model = type(obj)
    changelist = admin_url(model, "changelist")

    response = client.get(changelist)
    assert response.status_code == 200

    response = client.get(changelist, {"q": search})
    assert response.status_code == 200
    assert obj in list(response.context["cl"].result_list), f"searching {search!r} should find {obj}"

    response = client.get(admin_url(model, "add"))
    assert response.status_code == 200
    data = form_data(response)
    data.update(add_data)
    count = model._default_manager.count()
    response = client.post(admin_url(model, "add"), data)
    assert response.status_code == 302, form_errors(response)
    assert model._default_manager.count() == count + 1

    change = admin_url(model, "change", obj.pk)
    response = client.get(change)
    assert response.status_code == 200
    data = form_data(response)
    data.update(change_data or {})
    response = client.post(change, data)
    assert response.status_code == 302, form_errors(response)
    obj.refresh_from_db()
    for field, value in (change_data or {}).items():
        assert str(getattr(obj, field)) == value
