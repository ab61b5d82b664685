"""The shipped XLSForm: converted by pyxform for real, and the file is what its script writes."""

from collections import Counter

from lxml import etree
from openpyxl import load_workbook

from willaq.earlywarning.openrosa.xlsform import XFORMS_NS, XHTML_NS, convert_xlsform
from willaq.earlywarning.xlsforms.build_xlsform import (
    FORM_ID,
    FORM_TITLE,
    FORM_VERSION,
    XLSFORM_PATH,
    sheets,
)

NS = {"x": XFORMS_NS, "h": XHTML_NS}


def test_shipped_xlsform_converts_with_pyxform() -> None:
    form = convert_xlsform()

    assert (form.form_id, form.version, form.title) == (FORM_ID, FORM_VERSION, FORM_TITLE)
    assert form.hash == f"md5:{form.md5}"
    assert len(form.md5) == 32
    root = etree.fromstring(form.xml)
    main = root.find("h:head/x:model/x:instance/x:data", NS)
    assert main is not None
    assert [etree.QName(child).localname for child in main] == [
        "modo_lugar", "departamento", "provincia", "distrito", "ubicacion", "localidad",
        "fecha_hecho", "descripcion", "actores", "demandas", "medidas", "fecha_medidas",
        "urgencia", "foto1", "foto2", "foto3", "foto4", "foto5", "meta",
    ]  # fmt: skip
    assert main.find("x:meta/x:instanceID", NS) is not None
    # The place choices live in the form (secondary instances), so it works offline.
    counts = {
        name: len(root.findall(f"h:head/x:model/x:instance[@id='{name}']/x:root/x:item", NS))
        for name in ("departamento", "provincia", "distrito", "urgencia")
    }
    assert counts == {"departamento": 25, "provincia": 196, "distrito": 1892, "urgencia": 4}
    cusco = root.find(
        "h:head/x:model/x:instance[@id='distrito']/x:root/x:item[x:name='080101']", NS
    )
    assert cusco is not None
    assert cusco.findtext("x:label", namespaces=NS) == "Cusco"
    assert cusco.findtext("x:provincia", namespaces=NS) == "080100"
    # Cascading: the province list is filtered by the department chosen, the district list by
    # the province.
    itemsets = {
        select.get("ref"): select.find("x:itemset", NS).get("nodeset")
        for select in root.iter(f"{{{XFORMS_NS}}}select1")
        if select.find("x:itemset", NS) is not None
    }
    assert "departamento = " in itemsets["/data/provincia"]
    assert "provincia = " in itemsets["/data/distrito"]
    binds = {bind.get("nodeset"): bind for bind in root.iter(f"{{{XFORMS_NS}}}bind")}
    assert binds["/data/ubicacion"].get("type") == "geopoint"
    assert binds["/data/descripcion"].get("required") == "true()"
    assert Counter(b.get("type") for b in binds.values())["binary"] == 5


def test_shipped_file_is_what_the_script_writes() -> None:
    workbook = load_workbook(XLSFORM_PATH, read_only=True)
    expected = sheets()

    assert workbook.sheetnames == list(expected)
    for title, (columns, rows) in expected.items():
        found = [
            tuple("" if cell is None else str(cell) for cell in row)
            for row in workbook[title].iter_rows(values_only=True)
        ]
        wanted = [tuple(columns)] + [tuple(row.get(c, "") for c in columns) for row in rows]
        assert len(found) == len(wanted)
        assert found == wanted
