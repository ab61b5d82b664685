from typing import Any

from django.db.models import Model

from willaq.audit.models import AuditEvent, AuditLog


def record(
    event_type: AuditEvent,
    target: Model,
    *,
    acting_user: Any = None,
    institution: Any = None,
    diff: dict[str, Any] | None = None,
) -> AuditLog:
    """Write one audit record. Call inside the service's transaction."""
    # The public uuid where the model has one, else the primary key (codes are not unique).
    target_id = getattr(target, "uuid", None) or target.pk
    return AuditLog.objects.create(
        event_type=event_type,
        acting_user=acting_user if getattr(acting_user, "is_authenticated", False) else None,
        institution=institution,
        target_type=target._meta.label_lower,
        target_id=str(target_id),
        diff=diff or {},
    )


def model_diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """Return {field: [old, new]} for the fields whose value changed, as JSON-safe strings."""
    changed: dict[str, list[Any]] = {}
    for key, new in after.items():
        old = before.get(key)
        if old != new:
            changed[key] = [_jsonable(old), _jsonable(new)]
    return changed


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return str(value)
