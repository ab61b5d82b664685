"""One audit trail for every change, written by services (never by signals)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.IntegerChoices):
    # Numbers are stable: never reuse one. Group by hundreds per domain.
    USER_CREATED = 100, _("Usuario creado")
    MEMBERSHIP_ADDED = 101, _("Miembro añadido")
    MEMBERSHIP_CHANGED = 102, _("Rol de miembro cambiado")
    MEMBERSHIP_REMOVED = 103, _("Miembro retirado")
    API_TOKEN_CREATED = 110, _("Token de API creado")
    API_TOKEN_REVOKED = 111, _("Token de API revocado")
    CATEGORY_CREATED = 150, _("Categoría creada")
    CATEGORY_CHANGED = 151, _("Categoría modificada")
    CASE_CREATED = 200, _("Caso creado")
    CASE_CHANGED = 201, _("Caso modificado")
    CASE_TRANSITION = 202, _("Cambio de estado del caso")
    CASE_PHASE_CHANGED = 203, _("Cambio de fase del caso")
    EVENT_CREATED = 210, _("Evento registrado")
    EVENT_CHANGED = 211, _("Evento modificado")
    EVENT_REMOVED = 212, _("Evento eliminado")
    EVENT_RESTORED = 213, _("Evento restaurado")
    VICTIM_RECORDED = 215, _("Víctima registrada")
    VICTIM_CHANGED = 216, _("Víctima modificada")
    VICTIM_REMOVED = 217, _("Víctima eliminada")
    VICTIM_RESTORED = 218, _("Víctima restaurada")
    VICTIM_IDENTITY_ERASED = 219, _("Identidad de víctima borrada")
    ACTOR_CREATED = 220, _("Actor creado")
    CASE_ACTOR_LINKED = 221, _("Actor vinculado al caso")
    CASE_ACTOR_UNLINKED = 222, _("Actor desvinculado del caso")
    CASE_ACTOR_CHANGED = 223, _("Vínculo de actor modificado")
    ACTORS_MERGED = 224, _("Actores fusionados")
    CASE_CLASSIFIED = 225, _("Clasificación PCM del caso")
    NEWS_CREATED = 230, _("Noticia registrada")
    NEWS_CHANGED = 231, _("Noticia modificada")
    NEWS_REMOVED = 232, _("Noticia eliminada")
    NEWS_RESTORED = 233, _("Noticia restaurada")
    EVIDENCE_ADDED = 240, _("Evidencia adjuntada")
    EVIDENCE_CHANGED = 241, _("Evidencia modificada")
    EVIDENCE_REMOVED = 242, _("Evidencia eliminada")
    EVIDENCE_RESTORED = 243, _("Evidencia restaurada")
    STAKEHOLDER_PROFILE_CHANGED = 250, _("Perfil del actor en el mapa modificado")
    RELATION_RECORDED = 251, _("Relación entre actores registrada")
    RELATION_KIND_CHANGED = 252, _("Relación entre actores: cambio de tipo")
    RELATION_ENDED = 253, _("Relación entre actores terminada")
    RELATION_REMOVED = 254, _("Relación entre actores eliminada")
    RELATION_CHANGED = 255, _("Relación entre actores modificada")
    IMPORT_CASES = 600, _("Importación de casos")
    IMPORT_EVENTS = 601, _("Importación de eventos")
    IMPORT_FILE_UPLOADED = 602, _("Archivo de importación subido")
    SYNONYM_ADDED = 610, _("Sinónimo de importación añadido")
    SYNONYM_REMOVED = 611, _("Sinónimo de importación retirado")
    # Monthly report (700–709).
    REPORT_BUILD_REQUESTED = 700, _("Informe mensual solicitado")
    REPORT_BUILT = 701, _("Informe mensual generado")
    REPORT_BUILD_FAILED = 702, _("Falló la generación del informe mensual")
    REPORT_PUBLISHED = 703, _("Informe mensual publicado")
    REPORT_CORRECTION_REQUESTED = 704, _("Corrección del informe mensual solicitada")
    REPORT_CORRECTED = 705, _("Informe mensual corregido (nueva versión publicada)")
    # Early warning and response (willaq.earlywarning).
    PREALERT_RECEIVED = 800, _("Prealerta recibida")
    PREALERT_CLAIMED = 801, _("Prealerta tomada para revisión")
    PREALERT_RELEASED = 802, _("Prealerta liberada")
    PREALERT_ASSIGNED = 803, _("Prealerta asignada")
    PREALERT_STATE_CHANGED = 804, _("Estado de la prealerta cambiado")
    PREALERT_STRUCTURED = 805, _("Prealerta estructurada por un analista")
    PREALERT_DUPLICATE = 806, _("Prealerta marcada como duplicada")
    PREALERT_REJECTED = 807, _("Prealerta rechazada")
    PREALERT_VALIDATED = 808, _("Prealerta validada")
    PREALERT_LINKED = 809, _("Prealerta vinculada a un caso")
    REPORTER_CREATED = 810, _("Reportero registrado")
    REPORTER_CHANGED = 811, _("Reportero modificado")
    SMS_REJECTED = 815, _("SMS rechazado")
    ALERT_ISSUED = 820, _("Alerta emitida")
    ALERT_UPDATED = 821, _("Alerta actualizada")
    ALERT_CANCELLED = 822, _("Alerta cancelada")
    ORDER_CREATED = 830, _("Orden de despliegue emitida")
    ORDER_STATE_CHANGED = 831, _("Orden de despliegue: cambio de estado")
    ORDER_WARNED = 832, _("Orden de despliegue: aviso de plazo")
    ORDER_ESCALATED = 833, _("Orden de despliegue escalada por vencida")
    # Dialogue spaces and commitments (willaq.dialogue).
    SPACE_CONVENED = 900, _("Espacio de diálogo convocado")
    SPACE_CHANGED = 901, _("Espacio de diálogo modificado")
    SPACE_STATE_CHANGED = 902, _("Espacio de diálogo: cambio de estado")
    SPACE_PUBLISHED = 903, _("Espacio de diálogo: página pública cambiada")
    SPACE_SECRET_ROTATED = 904, _("Calendario: enlace secreto renovado")
    PARTICIPANT_ADDED = 905, _("Participante añadido al espacio")
    PARTICIPANT_CHANGED = 906, _("Participante modificado")
    PARTICIPANT_REMOVED = 907, _("Participante retirado del espacio")
    SESSION_SCHEDULED = 910, _("Sesión programada")
    SESSION_CHANGED = 911, _("Sesión modificada")
    SESSION_HELD = 912, _("Sesión realizada (asistencia y ayuda memoria)")
    SESSION_CANCELLED = 913, _("Sesión cancelada")
    ACTA_SIGNED = 920, _("Acta firmada")
    COMMITMENT_ADDED = 921, _("Compromiso registrado")
    COMMITMENT_CHANGED = 922, _("Compromiso modificado")
    COMMITMENT_PROGRESS = 923, _("Avance del compromiso informado")
    COMMITMENTS_IMPORTED = 924, _("Compromisos importados de una hoja de cálculo")
    COMMITMENT_EVIDENCE_ADDED = 925, _("Evidencia de cumplimiento añadida")
    COMMITMENT_EVIDENCE_VERIFIED = 926, _("Evidencia de cumplimiento verificada")
    COMMITMENT_REMINDED = 930, _("Recordatorio de vencimiento enviado")
    COMMITMENT_OVERDUE_FLAGGED = 931, _("Compromiso vencido señalado")
    INSTITUTION_CALENDAR_ROTATED = 932, _("Calendario de la institución: enlace renovado")
    # Environmental complaints (issue 10 §5): 980–999.
    COMPLAINT_RECEIVED = 980, _("Denuncia ambiental recibida")
    COMPLAINT_ADMITTED = 981, _("Denuncia ambiental admitida a trámite")
    COMPLAINT_DISMISSED = 982, _("Denuncia ambiental desestimada")
    COMPLAINT_ROUTED = 983, _("Denuncia ambiental derivada a otra entidad")
    COMPLAINT_INSPECTED = 984, _("Inspección de denuncia registrada")
    COMPLAINT_ANSWERED = 985, _("Denuncia ambiental respondida")
    COMPLAINT_CLOSED = 986, _("Denuncia ambiental cerrada")
    COMPLAINT_CASE_LINKED = 987, _("Denuncia ambiental vinculada a un caso")
    COMPLAINT_CASE_OPENED = 988, _("Caso propuesto a partir de una denuncia")
    COMPLAINT_DUE_SOON_WARNED = 989, _("Aviso: denuncia por vencer")
    COMPLAINT_OVERDUE_WARNED = 990, _("Aviso: denuncia vencida")
    HOLIDAYS_LOADED = 991, _("Feriados nacionales cargados")

    ORGANISATION_REGISTERED = 950, _("Organización indígena registrada")
    ORGANISATION_CHANGED = 951, _("Organización indígena modificada")
    AUTHORITY_REGISTERED = 952, _("Autoridad indígena registrada")
    AUTHORITY_CHANGED = 953, _("Autoridad indígena modificada")
    INTERPRETER_REGISTERED = 954, _("Intérprete o facilitador(a) registrado")
    INTERPRETER_CHANGED = 955, _("Intérprete o facilitador(a) modificado")
    LOCALITY_ADDED = 956, _("Localidad de un pueblo añadida")

    CONSULTATION_OPENED = 960, _("Proceso de consulta previa registrado")
    CONSULTATION_CHANGED = 961, _("Proceso de consulta previa modificado")
    CONSULTATION_STAGE_RECORDED = 962, _("Consulta previa: etapa registrada")
    CONSULTATION_STAGE_CHANGED = 963, _("Consulta previa: etapa modificada")
    CONSULTATION_DOCUMENT_ADDED = 964, _("Consulta previa: documento añadido")
    CONSULTATION_AGREEMENT_ADDED = 965, _("Consulta previa: acuerdo registrado")
    CONSULTATION_AGREEMENT_CHANGED = 966, _("Consulta previa: seguimiento del acuerdo")
    CONSULTATION_INTERPRETER_ASSIGNED = 967, _("Consulta previa: intérprete asignado")


class AuditLog(models.Model):
    event_type = models.PositiveIntegerField(_("evento"), choices=AuditEvent.choices)
    acting_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    institution = models.ForeignKey(
        "accounts.Institution", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    target_type = models.CharField(max_length=60)
    target_id = models.CharField(max_length=64)
    # {"field": [old, new], ...} for changes; free details for other events.
    diff = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("registro de auditoría")
        verbose_name_plural = _("registros de auditoría")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"], name="audit_target")]

    def __str__(self) -> str:
        return f"{self.get_event_type_display()} {self.target_type}:{self.target_id}"
