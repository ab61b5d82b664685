"""The data dictionary of the open-data sets: every column's name, HXL hashtag, type,
meaning and values (shown on /datos/, downloadable as CSV and JSON)."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from willaq.cases.choices import (
    CONFIDENTIAL_CAPABLE_FIELDS,
    ActorTypeCode,
    CaseScope,
    CaseState,
    CompetentAuthority,
    DatePrecision,
    DialogueMechanism,
    EventType,
    GeoPrecision,
    InstitutionRole,
    PcmClassification,
    Phase,
    ProtestForm,
    StartDatePrecision,
    SubEventType,
)
from willaq.dialogue.choices import CommitmentState, FundingSource, SpaceKind, SpaceState

# Separator of several values in one cell (places, classifications).
LIST_SEPARATOR = "; "


class ColumnType:
    TEXT = _("texto")
    INTEGER = _("entero")
    DECIMAL = _("decimal")
    DATE = _("fecha (AAAA-MM-DD)")
    MONTH = _("mes (AAAA-MM)")
    UUID = _("uuid")


@dataclass(frozen=True)
class Column:
    name: str
    hxl: str
    type: Promise
    meaning: Promise
    values: Promise | str = ""
    # Only in exports for signed-in users (the recording institution's own records filled in,
    # blank for others'); the public export leaves the column out altogether.
    private: bool = False


def _choices(choices: Iterable[tuple[Any, Any]]) -> str:
    """A choice list as the dictionary writes it: "value = label; …"."""
    return LIST_SEPARATOR.join(f"{value} = {label}" for value, label in choices if value != "")


class _LazyChoices(Promise):
    """The values of a choice field, written in the active language when shown."""

    def __init__(self, choices: Callable[[], Iterable[tuple[Any, Any]]]) -> None:
        self._choices = choices

    def __str__(self) -> str:
        return _choices(self._choices())


def _values(choices: Any) -> _LazyChoices:
    return _LazyChoices(lambda: choices.choices)


_CONFIDENTIAL_MEANING = _(
    "Vacío cuando la institución que registra el caso lo marcó confidencial para ese caso."
)

CASE_TEXT_COLUMNS: dict[str, tuple[str, Promise]] = {
    "description": ("#description", _("Descripción del caso.")),
    "demands": ("#description+demands", _("Demandas y síntesis del problema.")),
    "causes": ("#cause", _("Causas.")),
    "triggers": ("#cause+trigger", _("Desencadenantes.")),
    "legislation": ("#meta+legislation", _("Normativa relacionada.")),
    "investment": ("#description+investment", _("Inversión involucrada.")),
    "strategies": ("#description+strategies", _("Estrategias.")),
    "next_steps": ("#description+next_steps", _("Próximos pasos.")),
}
assert set(CASE_TEXT_COLUMNS) == set(CONFIDENTIAL_CAPABLE_FIELDS)

CASE_COLUMNS: list[Column] = [
    Column(
        "case_uuid",
        "#crisis+id",
        ColumnType.UUID,
        _("Identificador estable del caso (no cambia nunca)."),
    ),
    Column(
        "case_code",
        "#crisis+code",
        ColumnType.TEXT,
        _("Código público del caso (AAAA-NNNN), asignado al aprobarlo; vacío en un borrador."),
    ),
    Column("name", "#crisis+name", ColumnType.TEXT, _("Nombre del caso.")),
    *(
        Column(name, hxl, ColumnType.TEXT, meaning, _CONFIDENTIAL_MEANING)
        for name, (hxl, meaning) in CASE_TEXT_COLUMNS.items()
    ),
    Column(
        "typology",
        "#crisis+type+code",
        ColumnType.TEXT,
        _("Código de la tipología (las propias de una institución equivalen a una compartida)."),
    ),
    Column("typology_name", "#crisis+type+name", ColumnType.TEXT, _("Nombre de la tipología.")),
    Column("subtype", "#crisis+subtype+code", ColumnType.TEXT, _("Código del subtipo.")),
    Column("subtype_name", "#crisis+subtype+name", ColumnType.TEXT, _("Nombre del subtipo.")),
    Column("state", "#status+state", ColumnType.TEXT, _("Estado del caso."), _values(CaseState)),
    Column(
        "phase",
        "#status+phase",
        ColumnType.TEXT,
        _("Fase (solo casos activos)."),
        _values(Phase),
    ),
    Column("scope", "#crisis+scope", ColumnType.TEXT, _("Ámbito."), _values(CaseScope)),
    Column("start_date", "#date+start", ColumnType.DATE, _("Fecha de inicio.")),
    Column(
        "start_date_precision",
        "#date+start+precision",
        ColumnType.TEXT,
        _(
            "Qué se sabe de la fecha de inicio: el día, solo el mes (día 1), solo el año "
            "(1 de enero) o una cota (el caso empezó en esa fecha o antes)."
        ),
        _values(StartDatePrecision),
    ),
    Column("end_date", "#date+end", ColumnType.DATE, _("Fecha de fin (resuelto o retirado).")),
    Column(
        "principal_ubigeo",
        "#loc+code",
        ColumnType.TEXT,
        _("Ubigeo INEI del lugar principal (departamento, provincia o distrito)."),
    ),
    Column("department", "#adm1+name", ColumnType.TEXT, _("Departamento del lugar principal.")),
    Column("province", "#adm2+name", ColumnType.TEXT, _("Provincia del lugar principal.")),
    Column("district", "#adm3+name", ColumnType.TEXT, _("Distrito del lugar principal.")),
    Column(
        "grouping",
        "#loc+grouping",
        ColumnType.TEXT,
        _("Agrupación del lugar principal (Lima Metropolitana, Lima Provincias), si la hay."),
    ),
    Column(
        "places",
        "#loc+code+list",
        ColumnType.TEXT,
        _("Ubigeos de todos los lugares del caso, separados por «; », el principal primero."),
    ),
    Column(
        "place_names",
        "#loc+name+list",
        ColumnType.TEXT,
        _("Nombres de todos los lugares del caso, en el mismo orden."),
    ),
    Column(
        "latitude",
        "#geo+lat",
        ColumnType.DECIMAL,
        _("Latitud: el punto del caso, o el centroide de su lugar principal."),
    ),
    Column(
        "longitude",
        "#geo+lon",
        ColumnType.DECIMAL,
        _("Longitud: el punto del caso, o el centroide de su lugar principal."),
    ),
    Column(
        "geo_origin",
        "#geo+origin",
        ColumnType.TEXT,
        _("De dónde salen las coordenadas."),
        _("case = punto del caso; place = centroide del lugar principal"),
    ),
    Column(
        "competent_authority",
        "#org+authority",
        ColumnType.TEXT,
        _("Autoridad competente."),
        _values(CompetentAuthority),
    ),
    Column(
        "dialogue_mechanism",
        "#activity+dialogue",
        ColumnType.TEXT,
        _("Mecanismo de diálogo (casos en fase de diálogo)."),
        _values(DialogueMechanism),
    ),
    Column(
        "institution_role",
        "#org+role",
        ColumnType.TEXT,
        _("Rol de la institución que registra en el diálogo."),
        _values(InstitutionRole),
    ),
    Column(
        "pcm_classifications",
        "#crisis+pcm",
        ColumnType.TEXT,
        _(
            "Clasificación PCM del caso por cada institución que lo clasificó, como "
            "«institución:clasificación» separadas por «; »."
        ),
        _values(PcmClassification),
    ),
    Column(
        "institution",
        "#org+code",
        ColumnType.TEXT,
        _("Identificador de la institución que registra el caso."),
    ),
    Column(
        "institution_name", "#org+name", ColumnType.TEXT, _("Institución que registra el caso.")
    ),
]

PANEL_COLUMNS: list[Column] = [
    Column("case_uuid", "#crisis+id", ColumnType.UUID, _("Identificador estable del caso.")),
    Column("case_code", "#crisis+code", ColumnType.TEXT, _("Código público del caso.")),
    Column("month", "#date+month", ColumnType.MONTH, _("Mes del panel.")),
    Column(
        "month_end",
        "#date+end",
        ColumnType.DATE,
        _("Último día del mes: los valores de la fila son los vigentes al cierre de ese día."),
    ),
    Column(
        "state",
        "#status+state",
        ColumnType.TEXT,
        _("Estado al cierre del mes."),
        _values(CaseState),
    ),
    Column("phase", "#status+phase", ColumnType.TEXT, _("Fase al cierre del mes."), _values(Phase)),
    Column("typology", "#crisis+type+code", ColumnType.TEXT, _("Tipología al cierre del mes.")),
    Column("typology_name", "#crisis+type+name", ColumnType.TEXT, _("Nombre de la tipología.")),
    Column("subtype", "#crisis+subtype+code", ColumnType.TEXT, _("Subtipo al cierre del mes.")),
    Column("subtype_name", "#crisis+subtype+name", ColumnType.TEXT, _("Nombre del subtipo.")),
    Column(
        "scope",
        "#crisis+scope",
        ColumnType.TEXT,
        _("Ámbito al cierre del mes."),
        _values(CaseScope),
    ),
    Column(
        "department_code",
        "#adm1+code",
        ColumnType.TEXT,
        _("Ubigeo del departamento del lugar principal al cierre del mes."),
    ),
    Column("department", "#adm1+name", ColumnType.TEXT, _("Nombre de ese departamento.")),
    Column(
        "province_code",
        "#adm2+code",
        ColumnType.TEXT,
        _("Ubigeo de la provincia del lugar principal (vacío si el lugar es un departamento)."),
    ),
    Column("province", "#adm2+name", ColumnType.TEXT, _("Nombre de esa provincia.")),
    Column(
        "district_code",
        "#adm3+code",
        ColumnType.TEXT,
        _("Ubigeo del distrito del lugar principal (vacío si el lugar no es un distrito)."),
    ),
    Column("district", "#adm3+name", ColumnType.TEXT, _("Nombre de ese distrito.")),
    Column(
        "grouping",
        "#loc+grouping",
        ColumnType.TEXT,
        _("Agrupación del lugar principal (Lima Metropolitana, Lima Provincias), si la hay."),
    ),
    Column(
        "latitude", "#geo+lat", ColumnType.DECIMAL, _("Latitud del centroide del lugar principal.")
    ),
    Column(
        "longitude",
        "#geo+lon",
        ColumnType.DECIMAL,
        _("Longitud del centroide del lugar principal."),
    ),
    Column("institution", "#org+code", ColumnType.TEXT, _("Institución que registra el caso.")),
]

EVENT_COLUMNS: list[Column] = [
    Column(
        "event_id_cnty",
        "#event+id",
        ColumnType.TEXT,
        _("Identificador estable del evento al estilo de ACLED: «PER-» y su uuid."),
    ),
    Column("event_date", "#date+start", ColumnType.DATE, _("Fecha del evento (su primer día).")),
    Column("year", "#date+year", ColumnType.INTEGER, _("Año del evento.")),
    Column(
        "time_precision",
        "#date+precision",
        ColumnType.INTEGER,
        _("Precisión de la fecha (ACLED)."),
        _values(DatePrecision),
    ),
    Column(
        "disorder_type",
        "#event+disorder",
        ColumnType.TEXT,
        _("Tipo de desorden (ACLED), deducido del tipo y subtipo de evento."),
        "Political violence; Demonstrations; Political violence; Demonstrations; "
        "Strategic developments",
    ),
    Column(
        "event_type",
        "#event+type",
        ColumnType.TEXT,
        _("Tipo de evento (ACLED, en inglés)."),
        _values(EventType),
    ),
    Column(
        "sub_event_type",
        "#event+type+sub",
        ColumnType.TEXT,
        _("Subtipo de evento (ACLED, en inglés)."),
        _values(SubEventType),
    ),
    Column("actor1", "#group+actor1", ColumnType.TEXT, _("Actor 1.")),
    Column("assoc_actor_1", "#group+actor1+assoc", ColumnType.TEXT, _("Actores asociados al 1.")),
    Column(
        "inter1",
        "#group+actor1+type",
        ColumnType.INTEGER,
        _("Tipo de actor 1 (ACLED)."),
        _values(ActorTypeCode),
    ),
    Column("actor2", "#group+actor2", ColumnType.TEXT, _("Actor 2.")),
    Column("assoc_actor_2", "#group+actor2+assoc", ColumnType.TEXT, _("Actores asociados al 2.")),
    Column(
        "inter2",
        "#group+actor2+type",
        ColumnType.INTEGER,
        _("Tipo de actor 2 (ACLED)."),
        _values(ActorTypeCode),
    ),
    Column(
        "interaction",
        "#group+interaction",
        ColumnType.INTEGER,
        _(
            "Interacción (ACLED): los dos códigos de actor, el menor primero (67: manifestantes "
            "y civiles); un solo actor: su código seguido de 0."
        ),
    ),
    Column(
        "civilian_targeting",
        "#event+civilian",
        ColumnType.TEXT,
        _("«Civilian targeting» cuando el evento es violencia contra civiles (ACLED)."),
    ),
    Column("iso", "#country+code+num", ColumnType.INTEGER, _("Código ISO 3166 numérico (604).")),
    Column("region", "#region+name", ColumnType.TEXT, _("Región de ACLED (South America).")),
    Column("country", "#country+name", ColumnType.TEXT, _("País (Peru).")),
    Column("admin1", "#adm1+name", ColumnType.TEXT, _("Departamento.")),
    Column("admin2", "#adm2+name", ColumnType.TEXT, _("Provincia.")),
    Column("admin3", "#adm3+name", ColumnType.TEXT, _("Distrito.")),
    Column("location", "#loc+name", ColumnType.TEXT, _("Localidad.")),
    Column(
        "latitude",
        "#geo+lat",
        ColumnType.DECIMAL,
        _("Latitud: el punto del evento, o el centroide de su lugar."),
    ),
    Column(
        "longitude",
        "#geo+lon",
        ColumnType.DECIMAL,
        _("Longitud: el punto del evento, o el centroide de su lugar."),
    ),
    Column(
        "geo_precision",
        "#geo+precision",
        ColumnType.INTEGER,
        _("Precisión geográfica (ACLED)."),
        _values(GeoPrecision),
    ),
    Column(
        "source",
        "#meta+source",
        ColumnType.TEXT,
        _("Fuentes. Solo en la API, y solo de los eventos de la institución del usuario."),
        private=True,
    ),
    Column(
        "source_scale",
        "#meta+source+scale",
        ColumnType.TEXT,
        _("Escala de la fuente. Como «source»."),
        private=True,
    ),
    Column(
        "notes",
        "#description+notes",
        ColumnType.TEXT,
        _("Notas. Como «source»."),
        private=True,
    ),
    Column(
        "reported_by",
        "#contact+reporter",
        ColumnType.TEXT,
        _("Quién lo reportó. Como «source»."),
        private=True,
    ),
    Column(
        "fatalities",
        "#affected+killed",
        ColumnType.INTEGER,
        _("Fallecidos (contados de las víctimas registradas; nunca sus datos personales)."),
    ),
    Column("injured", "#affected+injured", ColumnType.INTEGER, _("Heridos (contados igual).")),
    Column(
        "end_date",
        "#date+end",
        ColumnType.DATE,
        _("Último día de una acción de varios días (vacío: un solo día)."),
    ),
    Column(
        "protest_form",
        "#event+protest",
        ColumnType.TEXT,
        _("Forma de la acción colectiva de protesta (protestas y disturbios)."),
        _values(ProtestForm),
    ),
    Column("ubigeo", "#loc+code", ColumnType.TEXT, _("Ubigeo INEI del lugar del evento.")),
    Column(
        "case_uuid",
        "#crisis+id",
        ColumnType.UUID,
        _("Caso al que pertenece (vacío: evento sin caso)."),
    ),
    Column("case_code", "#crisis+code", ColumnType.TEXT, _("Código público de ese caso.")),
    Column("institution", "#org+code", ColumnType.TEXT, _("Institución que registró el evento.")),
]

# --- commitments (willaq.reports.opendata.commitments) ---

COMMITMENT_COLUMNS: list[Column] = [
    Column(
        "commitment_uuid",
        "#activity+id",
        ColumnType.UUID,
        _("Identificador estable del compromiso (no cambia nunca)."),
    ),
    Column("number", "#activity+num", ColumnType.INTEGER, _("Número de cláusula en el acta.")),
    Column("description", "#activity+description", ColumnType.TEXT, _("Lo que se acordó.")),
    Column(
        "responsible",
        "#org+responsible+name",
        ColumnType.TEXT,
        _("Responsables (instituciones, empresas, organizaciones), separados por «; »."),
    ),
    Column(
        "responsible_institutions",
        "#org+responsible+code",
        ColumnType.TEXT,
        _("Slugs de las instituciones de Willaq responsables, separados por «; »."),
    ),
    Column("due_date", "#date+due", ColumnType.DATE, _("Fecha de vencimiento.")),
    Column(
        "state",
        "#status+state",
        ColumnType.TEXT,
        _("Estado registrado del compromiso."),
        _values(CommitmentState),
    ),
    Column(
        "overdue",
        "#status+overdue",
        ColumnType.TEXT,
        _(
            "Vencido el día de la descarga (hora de Lima): pendiente o en proceso con la fecha "
            "de vencimiento pasada. Derivado, nunca registrado."
        ),
        "true; false",
    ),
    Column("progress", "#indicator+progress+pct", ColumnType.INTEGER, _("Avance (0–100 %).")),
    Column(
        "weight",
        "#indicator+weight",
        ColumnType.DECIMAL,
        _("Peso de la cláusula en el avance ponderado del acta (1 salvo que el acta diga otro)."),
    ),
    Column("amount", "#value+committed", ColumnType.DECIMAL, _("Monto comprometido (S/).")),
    Column(
        "funding_source",
        "#value+source",
        ColumnType.TEXT,
        _("Fuente de financiamiento del monto."),
        _values(FundingSource),
    ),
    Column(
        "amount_verified",
        "#value+verified",
        ColumnType.DECIMAL,
        _("Monto ejecutado según las evidencias verificadas (S/)."),
    ),
    Column(
        "evidence_count",
        "#meta+evidence+num",
        ColumnType.INTEGER,
        _("Evidencias de cumplimiento registradas."),
    ),
    Column(
        "evidence_verified",
        "#meta+evidence+verified+num",
        ColumnType.INTEGER,
        _("De ellas, verificadas por el equipo del espacio."),
    ),
    Column("acta_uuid", "#meta+acta+id", ColumnType.UUID, _("Identificador del acta.")),
    Column("acta_title", "#meta+acta+name", ColumnType.TEXT, _("Título del acta.")),
    Column("signed_on", "#date+signed", ColumnType.DATE, _("Fecha de firma del acta.")),
    Column("space_uuid", "#group+id", ColumnType.UUID, _("Identificador del espacio de diálogo.")),
    Column("space_name", "#group+name", ColumnType.TEXT, _("Nombre del espacio de diálogo.")),
    Column("space_kind", "#group+type", ColumnType.TEXT, _("Tipo de espacio."), _values(SpaceKind)),
    Column(
        "space_state",
        "#group+status",
        ColumnType.TEXT,
        _("Estado del espacio."),
        _values(SpaceState),
    ),
    Column(
        "institution",
        "#org+convening+code",
        ColumnType.TEXT,
        _("Institución convocante del espacio (slug)."),
    ),
    Column(
        "institution_name",
        "#org+convening+name",
        ColumnType.TEXT,
        _("Nombre de la institución convocante."),
    ),
    Column(
        "case_uuids",
        "#crisis+id",
        ColumnType.TEXT,
        _("Casos registrados vinculados al espacio (uuid), separados por «; »."),
    ),
    Column("ubigeo", "#loc+code", ColumnType.TEXT, _("Ubigeo INEI del lugar del espacio.")),
    Column("department", "#adm1+name", ColumnType.TEXT, _("Departamento.")),
    Column("province", "#adm2+name", ColumnType.TEXT, _("Provincia.")),
    Column("district", "#adm3+name", ColumnType.TEXT, _("Distrito.")),
    Column(
        "latitude",
        "#geo+lat",
        ColumnType.DECIMAL,
        _("Latitud del centroide del lugar del espacio (WGS 84)."),
    ),
    Column("longitude", "#geo+lon", ColumnType.DECIMAL, _("Longitud del mismo centroide.")),
    Column(
        "internal_notes",
        "#meta+notes",
        ColumnType.TEXT,
        _(
            "Notas internas. Solo en la API, y solo para la institución convocante y las "
            "sentadas en la mesa."
        ),
        private=True,
    ),
]
