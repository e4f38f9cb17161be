"""The OpenAPI schema's enums: every choice set a component with a stable ASCII name.

drf-spectacular names the enums of serializer fields (``StageEnum``, with ``ENUM_NAME_OVERRIDES`` where
names collide) but leaves a filter's choices inline in its query parameter, titled with the filter's
Chinese label, from which client generators make type names such as ``ProjectsList项目阶段``. This hook
(``SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"]``, after drf-spectacular's own) moves each parameter's
choice set into a component: the one with the same values if there is one (``stage`` uses
``StageEnum``); else the name ``ENUM_NAME_OVERRIDES`` gives those values; else ``<Parameter>Enum`` when
the parameter has one choice set everywhere, ``<Resource><Parameter>Enum`` when only one resource has
this one (each resource's ``ordering``). A choice set several resources share under a name that has
other choice sets elsewhere needs an entry in ``ENUM_NAME_OVERRIDES``: without one it is named after a
hash and drf-spectacular's warning says so (the schema test fails on warnings).
"""

from __future__ import annotations

from drf_spectacular.drainage import warn
from drf_spectacular.plumbing import list_hash, load_enum_name_overrides
from inflection import camelize


def _choices(schema: dict) -> tuple:
    return tuple(sorted(str(value) for value in schema["enum"] if value not in ("", None)))


def _resource(path: str) -> str:
    """``/api/v1/projects/{slug}/`` -> ``projects``."""
    parts = [part for part in path.split("/") if part and not part.startswith("{")]
    return parts[-1] if parts else "api"


def postprocess_parameter_enums(result, generator, request, public):
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    by_choices = {_choices(schema): name for name, schema in sorted(schemas.items())
                  if "enum" in schema and "properties" not in schema}
    found: list[tuple[dict, dict, str, str]] = []  # (container, schema, parameter name, resource)
    for path, operations in result.get("paths", {}).items():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                schema = parameter.get("schema", {})
                container, key = (schema, "items") if schema.get("type") == "array" else (parameter, "schema")
                target = container.get(key)
                if isinstance(target, dict) and "enum" in target:
                    found.append((container, target, parameter["name"], _resource(path)))
    choice_sets: dict[str, set[tuple]] = {}
    resources: dict[tuple, set[str]] = {}
    for _container, target, name, resource in found:
        choice_sets.setdefault(name, set()).add(_choices(target))
        resources.setdefault(_choices(target), set()).add(resource)
    overrides = load_enum_name_overrides()
    for container, target, name, resource in found:
        choices = _choices(target)
        component = by_choices.get(choices) or overrides.get(list_hash([(value, value) for value in choices]))
        if component is None:
            if len(choice_sets[name]) == 1:
                component = f"{camelize(name)}Enum"
            elif len(resources[choices]) == 1:
                component = f"{camelize(resource)}{camelize(name)}Enum"
            else:
                component = f"{camelize(name)}{list_hash(choices)[:3].capitalize()}Enum"
                warn(f"the choices {list(choices)} of parameter {name!r} need a name in ENUM_NAME_OVERRIDES")
        if component not in schemas:
            schemas[component] = {"type": target.get("type", "string"), "enum": list(choices)}
        by_choices[choices] = component
        key = "items" if container.get("type") == "array" else "schema"
        container[key] = {"$ref": f"#/components/schemas/{component}"}
    result["components"]["schemas"] = dict(sorted(schemas.items()))
    return result
