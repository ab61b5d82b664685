"""The pre-alert XForm: the shipped XLSForm (``xlsforms/prealerta.xlsx``) converted by pyxform
at first use and kept for the life of the process.

The form's id and version come from the XLSForm's settings sheet; :data:`ACCEPTED_VERSIONS`
lists older versions whose submissions are still mapped (phones that were offline when the
form changed still hold them).
"""

import functools
import hashlib
from dataclasses import dataclass

from lxml import etree
from pyxform.xls2xform import convert

from willaq.earlywarning.xlsforms.build_xlsform import XLSFORM_PATH

XFORMS_NS = "http://www.w3.org/2002/xforms"
XHTML_NS = "http://www.w3.org/1999/xhtml"

# Earlier versions of the form whose submissions the server still accepts (their fields are a
# subset of today's). Empty: the first version is the current one.
PREVIOUS_VERSIONS: frozenset[str] = frozenset()


@dataclass(frozen=True)
class XForm:
    form_id: str
    version: str
    title: str
    xml: bytes
    md5: str

    @property
    def hash(self) -> str:
        """As OpenRosa's form list writes it: ``md5:<hex>``."""
        return f"md5:{self.md5}"

    @property
    def accepted_versions(self) -> frozenset[str]:
        return PREVIOUS_VERSIONS | {self.version}


def convert_xlsform() -> XForm:
    """Convert the shipped XLSForm now (a real pyxform conversion)."""
    result = convert(xlsform=str(XLSFORM_PATH), file_type=".xlsx")
    xml = result.xform.encode("utf-8")
    # Our own converter's output: parsed without entities or network all the same.
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    root = etree.fromstring(xml, parser)
    instance = root.find(f"{{{XHTML_NS}}}head/{{{XFORMS_NS}}}model/{{{XFORMS_NS}}}instance")
    if instance is None or len(instance) == 0:
        raise RuntimeError("the converted XForm has no main instance")
    data = instance[0]
    title = root.findtext(f"{{{XHTML_NS}}}head/{{{XHTML_NS}}}title") or ""
    return XForm(
        form_id=data.get("id") or "",
        version=data.get("version") or "",
        title=title,
        xml=xml,
        md5=hashlib.md5(xml, usedforsecurity=False).hexdigest(),
    )


@functools.cache
def prealert_xform() -> XForm:
    """The pre-alert form, converted once per process."""
    return convert_xlsform()


def available_forms() -> dict[str, XForm]:
    """The forms the server offers, by form id."""
    form = prealert_xform()
    return {form.form_id: form}
