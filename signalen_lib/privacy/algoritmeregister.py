"""The entry for the Dutch *Algoritmeregister*, generated from what is live now.

``build_entry(store, settings)`` gives a :class:`RegisterEntry`: ``fields`` holds the fields of the
*Algoritmeregister publicatiestandaard* version 1.0 (:data:`FIELDS`: name, type, maximum length,
required, permitted values), ``facts`` the structured values they were written from (the current
model version and its date, the last validation run's figures, the source register). The entry
changes when the model or a source changes: the model version and date, the measured quality and
each source's approval and retention are in its text. :func:`validate_entry` checks a field dict
against :data:`FIELDS`; :func:`to_markdown` writes a readable Dutch page.

Where each value comes from: ``docs/ALGORITMEREGISTER.md``. Reads the shared zone only.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..config import Settings
from ..vocab.fmt import fmt_date, fmt_date_long, fmt_int, fmt_num
from ..vocab.models import current_category_model, current_perception_model, current_topic_model

__all__ = ["FIELDS", "STANDARD_VERSION", "RegisterEntry", "build_entry", "validate_entry", "to_markdown",
           "write_entry", "last_validation"]

STANDARD_VERSION = "1.0"


@dataclass(frozen=True)
class FieldSpec:
    key: str
    title: str            # the Dutch title the register shows
    type: str = "string"  # string | enum | array
    max_length: int | None = None
    required: bool = False
    permitted: tuple[str, ...] = ()
    max_items: int | None = None
    item_keys: tuple[str, ...] = ()  # array of objects: their keys (title, link)


# The fields of the Algoritmeregister publicatiestandaard 1.0 (the register's own schema, v1_0.json
# of github.com/MinBZK/Algoritmeregister), in its order.
FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("name", "Naam", max_length=100, required=True),
    FieldSpec("description_short", "Korte omschrijving", max_length=350, required=True),
    FieldSpec("organization", "Organisatie", max_length=100, required=True),
    FieldSpec("category", "Thema", "array", max_items=3, permitted=(
        "Organisatie en bedrijfsvoering", "Cultuur en recreatie", "Economie", "Overheidsfinanciën", "Wonen",
        "Internationaal", "Migratie en integratie", "Natuur en milieu", "Onderwijs en wetenschap",
        "Openbare orde en veiligheid", "Recht", "Ruimte en infrastructuur", "Sociale zekerheid", "Verkeer", "Werk",
        "Zorg en gezondheid")),
    FieldSpec("status", "Status", "enum", required=True, permitted=("In ontwikkeling", "In gebruik", "Buiten gebruik")),
    FieldSpec("begin_date", "Begindatum", max_length=7),
    FieldSpec("end_date", "Einddatum", max_length=7),
    FieldSpec("contact_email", "Contactgegevens", max_length=500, required=True),
    FieldSpec("website", "Link naar publiekspagina", max_length=500),
    FieldSpec("publication_category", "Publicatiecategorie", "enum", required=True,
              permitted=("Hoog-risico AI-systeem", "Impactvolle algoritmes", "Overige algoritmes")),
    FieldSpec("url", "Link naar bronregistratie", max_length=500),
    FieldSpec("goal", "Doel en impact", max_length=2500),
    FieldSpec("proportionality", "Afwegingen", max_length=2500),
    FieldSpec("human_intervention", "Menselijke tussenkomst", max_length=2500),
    FieldSpec("risks", "Risicobeheer", max_length=2500),
    FieldSpec("lawful_basis", "Wettelijke basis", max_length=2500),
    FieldSpec("lawful_basis_grouping", "Verwijzingen wettelijke basis", "array", item_keys=("title", "link")),
    FieldSpec("process_index_url", "Link naar verwerkingsregister", max_length=500),
    FieldSpec("impacttoetsen_grouping", "Impacttoetsen", "array", item_keys=("title", "link")),
    FieldSpec("impacttoetsen", "Toelichting op impacttoetsen", max_length=2500),
    FieldSpec("source_data", "Gegevens", max_length=2500),
    FieldSpec("source_data_grouping", "Verwijzingen gegevensbronnen", "array", item_keys=("title", "link")),
    FieldSpec("methods_and_models", "Technische werking", max_length=5000),
    FieldSpec("provider", "Leverancier", max_length=200),
    FieldSpec("publiccode", "Link naar broncode", max_length=500),
    FieldSpec("lang", "Taal", "enum", required=True, permitted=("nld",)),
    FieldSpec("standard_version", "Versie publicatiestandaard", "enum", permitted=(STANDARD_VERSION,)),
    FieldSpec("source_id", "Bron-ID", max_length=100),
    FieldSpec("tags", "Zoektermen", max_length=2500),
    FieldSpec("lars", "Algoritme-ID"),
)
FIELD_BY_KEY = {f.key: f for f in FIELDS}


@dataclass
class RegisterEntry:
    fields: dict[str, Any]
    facts: dict[str, Any] = field(default_factory=dict)

    def to_json(self, **kw) -> str:
        return json.dumps(self.fields, ensure_ascii=False, **kw)


def validate_entry(fields: dict[str, Any]) -> list[str]:
    """Problems of ``fields`` against :data:`FIELDS` (empty list: valid): unknown fields, missing
    required fields, wrong types, too long, values outside the permitted list."""
    problems = [f"unknown field '{k}'" for k in fields if k not in FIELD_BY_KEY]
    for spec in FIELDS:
        v = fields.get(spec.key)
        if v in (None, "", []):
            if spec.required:
                problems.append(f"required field '{spec.key}' ({spec.title}) is empty")
            continue
        if spec.type in ("string", "enum"):
            if not isinstance(v, str):
                problems.append(f"field '{spec.key}' must be text")
                continue
            if spec.max_length and len(v) > spec.max_length:
                problems.append(f"field '{spec.key}' has {len(v)} characters (at most {spec.max_length})")
            if spec.permitted and v not in spec.permitted:
                problems.append(f"field '{spec.key}': {v!r} is not one of {', '.join(spec.permitted)}")
        elif spec.type == "array":
            if not isinstance(v, list):
                problems.append(f"field '{spec.key}' must be a list")
                continue
            if spec.max_items and len(v) > spec.max_items:
                problems.append(f"field '{spec.key}' has {len(v)} items (at most {spec.max_items})")
            for item in v:
                if spec.item_keys:
                    if not isinstance(item, dict) or set(item) - set(spec.item_keys) or not item.get("title"):
                        problems.append(f"field '{spec.key}': each item needs {' and '.join(spec.item_keys)}")
                elif spec.permitted and item not in spec.permitted:
                    problems.append(f"field '{spec.key}': {item!r} is not one of the permitted values")
    return problems


# ---- the facts --------------------------------------------------------------------------
def _jsonish(v) -> dict:
    if isinstance(v, dict):
        return v
    try:
        return json.loads(v) if v else {}
    except (TypeError, ValueError):
        return {}


def last_validation(db, model_version: str | None = None) -> dict | None:
    """The last validation run (``validation_runs``) of ``model_version`` (else the last of any model),
    with its figures: ``{run_id, model_version, created_at, n_labels, accuracy, accuracy_ci, macro_f1,
    macro_f1_ci, kappa, kappa_ci, gate_passed, validated}``; None when there is none."""
    if not db.table_exists("validation_runs"):
        return None
    sql = ("SELECT run_id, model_version, created_at, n_labels, metrics, gate_passed FROM validation_runs {} "
           "ORDER BY created_at DESC, run_id DESC LIMIT 1")
    rows = db.execute(sql.format("WHERE model_version = ?"), [model_version]) if model_version else []
    if not rows:
        rows = db.execute(sql.format(""))
    if not rows:
        return None
    run_id, mv, created, n, metrics, passed = rows[0]
    doc = _jsonish(metrics)
    m = doc.get("metrics") or {}
    out = {"run_id": run_id, "model_version": mv, "created_at": created, "n_labels": int(n or 0),
           "gate_passed": bool(passed), "validated": bool(m) and int(n or 0) > 0,
           "gate": doc.get("gate") or {}}
    for key in ("accuracy", "macro_f1", "kappa"):
        out[key] = m.get(key)
        ci = m.get(f"{key}_ci")
        out[f"{key}_ci"] = list(ci) if ci else None
    return out


def _model(db, version: str | None) -> dict | None:
    if not version:
        return None
    rows = db.execute("SELECT model_version, created_at, params, seed, n_docs FROM topic_models WHERE model_version = ?",
                      [version])
    if not rows:
        return None
    v, created, params, seed, n_docs = rows[0]
    p = _jsonish(params)
    tax = p.get("taxonomy") or {}
    cats = tax.get("categories") or []
    n_sub = sum(len(c.get("subcategories") or []) or 1 for c in cats)
    return {"model_version": v, "created_at": created, "seed": seed, "n_docs": int(n_docs or 0),
            "n_topics": p.get("n_topics"), "n_categories": len(cats), "n_seeded_topics": n_sub,
            "refine": bool(p.get("refine", False)), "overig_threshold": p.get("overig_threshold")}


def _first_use(db) -> Any:
    """When it went live: the first successful pipeline run, else the first model."""
    if db.table_exists("pipeline_runs"):
        v = db.scalar("SELECT min(finished_at) FROM pipeline_runs WHERE kind = 'pipeline' AND status = 'success'")
        if v is not None:
            return v
    if db.table_exists("topic_models"):
        return db.scalar("SELECT min(created_at) FROM topic_models")
    return None


def _category_model(db) -> dict | None:
    """The current category model's date and number of training labels, or None (no training
    labels yet: the topic model's categories stay)."""
    model_id = current_category_model(db)
    if model_id is None:
        return None
    rows = db.execute("SELECT created_at, n_training_labels FROM category_models WHERE model_id = ?", [model_id])
    if not rows:
        return None
    created, n = rows[0]
    return {"model_id": model_id, "created_at": created, "n_training_labels": int(n or 0)}


def _facts(store, settings: Settings) -> dict:
    from ..ingest.sources import load_register

    db = store.shared
    version = current_topic_model(db)
    sources = [{"source": s.name, "kind": s.kind, "owner": s.owner, "approved": s.approved,
                "approved_on": s.approved_on.isoformat() if s.approved_on else None,
                "approved_by": list(s.approved_by), "retention_days": s.retention_days}
               for s in load_register(settings).values()]
    return {
        "model": _model(db, version),
        "perception_model": current_perception_model(db),
        "category_model": _category_model(db),
        "validation": last_validation(db, version),
        "sources": sources,
        "first_use": _first_use(db),
    }


# ---- the text ---------------------------------------------------------------------------
def _ci(ci) -> str:
    return f" (95%-interval {fmt_num(ci[0])} – {fmt_num(ci[1])})" if ci else ""


def quality_text(v: dict | None, settings: Settings) -> str:
    """The measured quality in Dutch, with intervals (part of the technical description)."""
    gate = (f"De kwaliteitspoort vraagt macro-F1 ≥ {fmt_num(settings.gate_macro_f1)} en kappa ≥ "
            f"{fmt_num(settings.gate_kappa)}.")
    if not v or not v["validated"]:
        return f"Gemeten kwaliteit: nog niet gemeten (er zijn nog geen handmatig gelabelde signalen). {gate}"
    same = "" if not v.get("other_model") else f" (gemeten op modelversie {v['model_version']})"
    return (f"Gemeten kwaliteit{same}, validatie van {fmt_date(v['created_at'])} op {fmt_int(v['n_labels'])} "
            f"handmatig gelabelde signalen: nauwkeurigheid {fmt_num(v['accuracy'])}{_ci(v['accuracy_ci'])}, "
            f"macro-F1 {fmt_num(v['macro_f1'])}{_ci(v['macro_f1_ci'])}, Cohen's kappa {fmt_num(v['kappa'])}"
            f"{_ci(v['kappa_ci'])}. {gate} Uitkomst: poort {'gehaald' if v['gate_passed'] else 'niet gehaald'}.")


def _source_line(s: dict) -> str:
    approval = (f"goedgekeurd op {fmt_date(s['approved_on'])}" if s["approved"] and s["approved_on"]
                else "goedgekeurd" if s["approved"] else "niet goedgekeurd (wordt niet ingelezen)")
    return f"{s['source']} ({s['kind']}, {s['owner']}): {approval}; bewaartermijn ruwe tekst {fmt_int(s['retention_days'])} dagen."


def build_entry(store, settings: Settings) -> RegisterEntry:
    """The register entry for what is live now (see the module doc)."""
    facts = _facts(store, settings)
    m, v = facts["model"], facts["validation"]
    if v is not None and m is not None:
        v["other_model"] = v["model_version"] != m["model_version"]
    approved = [s for s in facts["sources"] if s["approved"]]
    model_line = (f"Modelversie {m['model_version']} van {fmt_date_long(m['created_at'])}: {fmt_int(m['n_topics'])} "
                  f"onderwerpen, waarvan {fmt_int(m['n_seeded_topics'])} met startwoorden uit de taxonomie "
                  f"({fmt_int(m['n_categories'])} categorieën), getraind op {fmt_int(m['n_docs'])} gemaskeerde teksten, "
                  f"vaste toevalskiem {m['seed']}." if m else "Er is nog geen model getraind.")
    perception = (f" Beleving (compliment, neutraal, klacht): modelversie {facts['perception_model']}."
                  if facts["perception_model"] else "")
    cm = facts["category_model"]
    categories = (f" Categoriemodel van {fmt_date_long(cm['created_at'])}, getraind op "
                  f"{fmt_int(cm['n_training_labels'])} trainingslabels." if cm else
                  " Er zijn nog geen trainingslabels: de categorieën komen van het onderwerpmodel met zijn verfijning.")
    fields: dict[str, Any] = {
        "name": "Signalen: onderwerpen herkennen in wat inwoners schrijven",
        "description_short": (
            "Het algoritme leest klanttevredenheidsreacties, klachten en terugbelnotities (zonder persoonsgegevens) "
            "en deelt ze in naar onderwerp en beleving. Medewerkers zien zo welke onderwerpen vaker voorkomen en "
            "kunnen de dienstverlening verbeteren."),
        "organization": settings.register_organisation,
        "category": ["Organisatie en bedrijfsvoering"],
        "status": "In gebruik" if m else "In ontwikkeling",
        "begin_date": f"{facts['first_use']:%Y-%m}" if facts["first_use"] is not None and m else "",
        "contact_email": settings.register_contact,
        "publication_category": settings.register_publication_category,
        "goal": (
            "Doel: de gemeente krijgt elke dag veel reacties van inwoners. Het algoritme ordent die naar onderwerp "
            "(bijvoorbeeld afval, parkeren, belastingen) en naar beleving (compliment, neutraal, klacht), zodat "
            "medewerkers zien waar inwoners ontevreden over zijn, wat opvalt en of een verbetering werkt. "
            "Impact: inwoners merken er niets direct van. Hun reactie wordt op dezelfde manier behandeld als "
            "zonder algoritme. Het algoritme beslist niets over een persoon; het helpt de gemeente haar "
            "dienstverlening te verbeteren."),
        "proportionality": (
            "Alle reacties met de hand lezen en indelen kost veel tijd en gebeurt daardoor maar voor een deel van "
            "de reacties. Het algoritme ordent alle reacties op dezelfde manier. Daartegenover staat het risico op "
            "fouten in de indeling en de verwerking van persoonsgegevens. Daarom worden persoonsgegevens eerst "
            "gemaskeerd, werkt het algoritme alleen met gemaskeerde tekst, worden kleine aantallen (minder dan "
            f"{fmt_int(settings.min_cell_size)} signalen) niet getoond en wordt de kwaliteit steeds gemeten. "
            "Een bron wordt pas gebruikt na goedkeuring door de privacyfunctionaris, informatiebeveiliging, "
            "informatiebeheer en de algoritmecommissie."),
        "human_intervention": (
            "Medewerkers lezen de uitkomsten in het dashboard en de maandrapportage en beslissen zelf wat zij "
            "ermee doen, bijvoorbeeld een verbeteractie. Er wordt geen besluit over een persoon genomen. "
            "Medewerkers labelen regelmatig een steekproef met de hand; daarmee wordt de kwaliteit gemeten. "
            "Haalt het model de kwaliteitspoort niet, dan worden de resultaten niet gepubliceerd. Een nieuwe "
            "modelversie wordt bewust getraind en kan worden teruggezet naar de vorige."),
        "risks": (
            "Risico's: een reactie komt in de verkeerde categorie; persoonsgegevens worden niet herkend; "
            "kleine groepen worden herkenbaar. Maatregelen en monitoring: de kwaliteitspoort meet bij elke "
            "validatie macro-F1 en kappa tegen handmatige labels (minimaal "
            f"{fmt_num(settings.gate_macro_f1)} en {fmt_num(settings.gate_kappa)}) en houdt publicatie tegen als die "
            "niet gehaald worden. Bij elke verwerking maakt het systeem een privacyrapportage voor de "
            "privacyfunctionaris: wat de maskering vond per soort en bron, een controle met verzonnen "
            "persoonsgegevens (kanariecontrole), hoeveel kleine aantallen zijn onderdrukt, wat na de bewaartermijn "
            "is verwijderd en welke bronnen zijn gebruikt. Ruwe tekst wordt na de bewaartermijn van de bron "
            "verwijderd."),
        "lawful_basis": settings.register_legal_basis,
        "source_data": (
            "Reacties van inwoners uit het goedgekeurde bronnenregister. Persoonsgegevens in de tekst (namen, "
            "telefoonnummers, e-mailadressen, BSN, IBAN, adressen, postcodes, kentekens, geboortedata, "
            "zaaknummers) worden gemaskeerd voordat het algoritme de tekst gebruikt; de originele tekst blijft in "
            "een afgeschermde zone en wordt na de bewaartermijn verwijderd. Verder: datum, kanaal, "
            "organisatieonderdeel, wijk en buurt, en bij het klanttevredenheidsonderzoek het cijfer. Bronnen: "
            + " ".join(_source_line(s) for s in facts["sources"])),
        "methods_and_models": (
            "1. Maskering: Microsoft Presidio met Nederlandse herkenners (controle met 11-proef en IBAN-controle, "
            "namenlijsten uit het open source pakket DEDUCE). Gevonden persoonsgegevens worden vervangen door hun "
            "soort, zoals PERSOON of TELEFOON. "
            "2. Onderwerpen: een LDA-onderwerpmodel (gensim) met startwoorden per subcategorie van de taxonomie "
            "(seeded LDA) en vrije onderwerpen voor nieuwe thema's. "
            "3. Categorieën: zolang er geen trainingslabels zijn, verfijnt een TF-IDF met logistische regressie, "
            "getraind op de teksten waarover LDA het zekerst is, de indeling van het onderwerpmodel. Zodra "
            "medewerkers trainingslabels hebben gegeven, kiest een categoriemodel dat van die labels leert de "
            "categorieën (tot drie per tekst, de belangrijkste eerst). Het combineert woorden en woorddelen (ook "
            "delen van samengestelde woorden), woordvectoren die alleen op de eigen teksten van de organisatie "
            "zijn getraind (FastText, zonder download), de LDA-onderwerpen en de startwoorden van de taxonomie, "
            "leert ook van teksten waarover het zeker is, en geeft gekalibreerde kansen. Welke teksten medewerkers "
            "als trainingslabel voorgelegd krijgen, kiest het systeem (actief leren): teksten waarover het model "
            "twijfelt, verspreid over de onderwerpen, met voorrang voor categorieën met weinig labels. De "
            "kwaliteit wordt gemeten op een aparte, willekeurige steekproef, zodat die meting zuiver blijft. "
            "Onder een drempel van "
            f"{fmt_num(m['overig_threshold'] if m else settings.overig_threshold)} wordt een tekst 'overig'. "
            "Medewerkers kunnen categorieën samenvoegen, splitsen en startwoorden verplaatsen; elke wijziging wordt "
            "met naam en tijdstip vastgelegd en geldt vanaf de volgende training. "
            "4. Beleving: een classificatiemodel (compliment, neutraal, klacht), getraind op de KTO-cijfers; voor "
            "bronnen die medewerkers over een inwoner schrijven (zoals terugbelnotities) weegt een lijst met "
            "Nederlandse waarderende woorden mee. "
            "Het model leert niet zelf bij tijdens gebruik: een nieuwe versie wordt bewust getraind en gevalideerd. "
            f"{model_line}{categories}{perception} {quality_text(v, settings)}"),
        "provider": "Intern ontwikkeld (open source werkbank signalen)",
        "lang": "nld",
        "standard_version": STANDARD_VERSION,
        "source_id": f"signalen:{m['model_version']}" if m else "signalen",
        "tags": "klantsignalen, klanttevredenheid, KTO, klachten, 14010, tekstclassificatie, onderwerpmodel, LDA",
    }
    fields = {k: v_ for k, v_ in fields.items() if v_ not in ("", None, [])}
    if approved:
        facts["approved_sources"] = [s["source"] for s in approved]
    return RegisterEntry(fields=fields, facts=facts)


def to_markdown(entry: RegisterEntry) -> str:
    """The entry as a readable Dutch page: one heading per field, in the standard's order."""
    f = entry.fields
    lines = [f"# Algoritmeregister: {f.get('name', '')}", "",
             f"*Publicatiestandaard {f.get('standard_version', STANDARD_VERSION)}; gegenereerd door `signalen "
             "algoritmeregister`.*", ""]
    for spec in FIELDS:
        if spec.key == "name" or spec.key not in f:
            continue
        v = f[spec.key]
        lines.append(f"## {spec.title}")
        lines.append("")
        if isinstance(v, list):
            lines.extend(f"- {i['title']}" + (f" ({i['link']})" if i.get("link") else "") if isinstance(i, dict)
                         else f"- {i}" for i in v)
        elif spec.key == "source_data" and "Bronnen: " in v and entry.facts.get("sources"):
            lines.append(v.split("Bronnen: ", 1)[0].strip())
            lines.append("")
            lines.extend(f"- {_source_line(s)}" for s in entry.facts["sources"])
        else:
            lines.append(str(v))
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def write_entry(store, settings: Settings, out_dir: str | Path) -> dict[str, Path]:
    """Write ``algoritmeregister.json`` (the fields) and ``algoritmeregister.md`` into ``out_dir``.
    Raises ValueError when the entry does not validate against :data:`FIELDS`."""
    entry = build_entry(store, settings)
    problems = validate_entry(entry.fields)
    if problems:
        raise ValueError("algorithm register entry is not valid: " + "; ".join(problems))
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    jpath, mpath = out / "algoritmeregister.json", out / "algoritmeregister.md"
    jpath.write_text(entry.to_json(indent=2) + "\n", encoding="utf-8")
    mpath.write_text(to_markdown(entry), encoding="utf-8")
    return {"json": jpath, "markdown": mpath}
