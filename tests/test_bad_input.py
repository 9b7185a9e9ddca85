"""The bad-input matrix: every command, every file a person edits, every kind of mistake.

Each row gives a French message that says where and what to do, exit code 1 (2 for a
usage error), and never a traceback; a row whose input is legitimately accepted exits 0.
A build row leaves no unescaped script in the site (the slow rows run mkdocs).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, example, made_project


@dataclass(frozen=True)
class Case:
    args: tuple[str, ...]
    exit_code: int
    fragments: tuple[str, ...]
    setup: Callable[[Path], None] = lambda tmp: None
    own_html: str = ""  # a page whose own Markdown holds raw HTML: the project's choice


def _project(tmp: Path) -> Path:
    return made_project("pays-tolosan", tmp / "p")


def _edit(relative: str, change: Callable[[str], str]) -> Callable[[Path], None]:
    def setup(tmp: Path) -> None:
        path = _project(tmp) / relative
        path.write_text(change(path.read_text("utf-8")), "utf-8")
    return setup


def _write(relative: str, data: bytes | str, project: bool = True) -> Callable[[Path], None]:
    def setup(tmp: Path) -> None:
        base = _project(tmp) if project else tmp
        path = base / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return setup


def _link(relative: str, target: str, *, move_out: bool = False) -> Callable[[Path], None]:
    """A link in the project to ``target`` (relative to tmp); ``move_out`` moves the
    project's file there first, so only the link is left inside."""
    def setup(tmp: Path) -> None:
        path = _project(tmp) / relative
        if move_out:
            path.rename(tmp / target)
        (tmp / "ailleurs").mkdir(exist_ok=True)
        path.symlink_to(tmp / target)
    return setup


def _replace(old: str, new: str) -> Callable[[str], str]:
    return lambda text: text.replace(old, new, 1)


def _bomb(levels: int = 6) -> str:
    """A « billion laughs »: a few hundred bytes, 10**levels values once aliases expand."""
    lines = ["b0: &b0 [a, a, a, a, a, a, a, a, a, a]"]
    lines += [f"b{n}: &b{n} [{', '.join([f'*b{n - 1}'] * 10)}]" for n in range(1, levels)]
    return "\n".join(lines) + "\n"


INDICATOR = ("indicateurs:\n  - nom: Foyers\n    unite: foyers\n    cible: {}\n"
             "    frequence: annuelle\n    fiche: paniers-solidaires\n")
M = "p/mkdocs.yml"
PAGE = "p/docs/page.md"
HOSTILE = ("<script>alert(", "<img src=x onerror", "</title><script>")


T = "p/territoire.yaml"
ACC = "fonctions/accessibilite.yaml"
CASES = {
    "YAML mal formé": Case(("validate", "p"), 1, (f"{T}:", "YAML invalide, colonne"),
                           _edit("territoire.yaml", _replace("nom: Pays", "nom: [Pays"))),
    "mauvais type": Case(("validate", "p"), 1, (f"{T}:", "territoire.codes",
                                                 "il faut une liste"),
                         _edit("territoire.yaml", lambda t: t.replace(
                             "codes:\n  - '200034957'\n  - '200071314'\n  - '243100773'\n"
                             "  - '243100815'\n  - '243100732'",
                             "codes: 200034957"))),
    "clé inconnue": Case(("validate", "p"), 1, (f"{T}:", "champ inconnu « contacts »",
                                                 "vouliez-vous dire « contact » ?"),
                         _edit("territoire.yaml", _replace("contact:", "contacts:"))),
    "champ obligatoire manquant": Case(("build", "p"), 1, (
        f"{T}:", "champ obligatoire « courriel » manquant"),
        _edit("territoire.yaml", lambda t: "\n".join(
            line for line in t.splitlines() if "courriel" not in line) + "\n")),
    "fichier vide": Case(("validate", "p"), 1, (T, "le fichier est vide"),
                         _write("territoire.yaml", "")),
    "liste au lieu d'un bloc": Case(("validate", "p"), 1, (
        "p/fonctions/accessibilite.yaml:1: (document): il faut un ensemble de champs",),
        _write(ACC, "- a\n- b\n")),
    "octets non UTF-8": Case(("validate", "p"), 1, (T, "n'est pas en UTF-8"),
                             _write("territoire.yaml", b"territoire:\n  nom: Pays \xe9\n")),
    "fichier énorme": Case(("validate", "p"), 1, ("p/fonctions/emploi.yaml",
                                                   "fichier trop volumineux"),
                           _write("fonctions/emploi.yaml", "# " + "x" * 3_000_000 + "\n")),
    "code officiel inconnu": Case(("build", "p"), 1, (
        f"{T}:", "territoire.codes[1]", "code d'EPCI inconnu « 200071341 »",
        "Vouliez-vous dire « 200071314 » (CC des Hauts-Tolosans)"),
        _edit("territoire.yaml", _replace("200071314", "200071341"))),
    "clé en double": Case(("validate", "p"), 1, (f"{T}:", "clé en double"),
                          _edit("territoire.yaml", _replace("contact:", "contact:\n  nom: A\n"
                                                            "  nom: B\ncontact_:"))),
    "nombre attendu": Case(("validate", "p"), 1, (
        "p/fonctions/accessibilite.yaml:3: paniers_solidaires.prix_panier",
        "il faut un nombre, pas le texte « seize »"),
        _write(ACC, "paniers_solidaires:\n  foyers: 4\n  prix_panier: seize\n"
               "  tranches: [{nom: a, part_payee_pct: 10}]\n"
               "  financeurs: [{nom: b, part_pct: 100}]\n")),
    "caractère de contrôle": Case(("validate", "p"), 1, (
        "p/fonctions/emploi.yaml:1: notes", "caractères de contrôle interdits"),
        _write("fonctions/emploi.yaml", 'notes: "a\\u0007b"\n')),
    "fichier introuvable": Case(("validate", "absent.yaml"), 1, (
        "absent.yaml", "fichier introuvable ; vérifiez le chemin")),
    "dossier au lieu d'un fichier": Case(("new", "--answers", "dossier", "--no-input"), 1, (
        "dossier", "c'est un dossier, un fichier était attendu"),
        lambda tmp: (tmp / "dossier").mkdir()),
    "destination impossible": Case(("new", "fichier/projet", "--answers",
                                    str(EXAMPLES / "gohelle.yaml"), "--no-input"), 1, (
        "fichier", "un fichier porte déjà ce nom", "Choisissez un dossier"),
        lambda tmp: (tmp / "fichier").write_text("x", "utf-8")),
    "destination non vide": Case(("demo", "occupe"), 1, ("occupe", "le dossier n'est pas vide"),
                                 lambda tmp: _write("notes.txt", "à moi", project=False)(
                                     tmp / "occupe")),
    "réponses en liste": Case(("new", "--answers", "r.yaml", "--no-input"), 1, (
        "r.yaml:1", "un ensemble de champs (clé : valeur) est attendu"),
        _write("r.yaml", "- territoire\n", project=False)),
    "réponses non UTF-8": Case(("new", "--answers", "r.yaml"), 1, (
        "r.yaml:2", "n'est pas en UTF-8"),
        _write("r.yaml", b"territoire:\n  nom: \xff\n", project=False)),
    "page réservée": Case(("build", "p"), 1, ("docs/index.md", "ce nom est réservé"),
                          _write("docs/index.md", "# Accueil\n")),
    "mkdocs.yml mal formé": Case(("build", "p"), 1, ("p/mkdocs.yml:", "YAML invalide"),
                                 _edit("mkdocs.yml", _replace("theme:", "theme: [\n"))),
    "schéma déclaré inconnu": Case(("validate", "p"), 1, (
        "p/fonctions/emploi.yaml:1: (document): schéma déclaré inconnu ou inattendu "
        "« fonction-emplois »", "corrigez la première ligne"),
        _edit("fonctions/emploi.yaml",
              _replace("fonction-emploi.schema", "fonction-emplois.schema"))),
    "nombre infini": Case(("validate", "p"), 1, (
        "p/fonctions/accessibilite.yaml:2: paniers_solidaires.prix_panier: nombre attendu",),
        _write(ACC, "paniers_solidaires:\n  prix_panier: .nan\n  tranches: [{nom: a, "
               "part_payee_pct: 10}]\n  financeurs: [{nom: b, part_pct: 100}]\n")),
    "fichier du kit dans docs": Case(("build", "p"), 1, (
        "docs/assets/stylesheets/ecopole.css", "réservé à un fichier produit par le kit"),
        _write("docs/assets/stylesheets/ecopole.css", "body {}\n")),
    "lien hors du projet dans docs": Case(("build", "p"), 1, (
        "p/docs/secret.md : lien symbolique vers", "hors du projet", "copie du fichier"),
        _link("docs/secret.md", "ailleurs")),
    "territoire.yaml lien hors du projet": Case(("validate", "p"), 1, (
        f"{T}: (document): lien symbolique vers", "hors du projet"),
        _link("territoire.yaml", "territoire.yaml", move_out=True)),
    "mkdocs.yml lien hors du projet": Case(("build", "p"), 1, (
        "p/mkdocs.yml : lien symbolique vers", "hors du projet"),
        _link("mkdocs.yml", "mkdocs.yml", move_out=True)),
    "site est un lien": Case(("build", "p"), 1, (
        "p/site : ce dossier est un lien symbolique", "Supprimez le lien lui-même"),
        _link("site", "ailleurs")),
    ".ecopole est un lien": Case(("build", "p"), 1, (
        "p/.ecopole : ce dossier est un lien symbolique",),
        _link(".ecopole", ".ecopole", move_out=True)),
    "--safe et hooks": Case(("build", "--safe", "p"), 1, (
        "--safe : configuration mkdocs refusée", "p/mkdocs.yml:43: hooks:"),
        _edit("mkdocs.yml", lambda t: t + "hooks:\n  - crochets.py\n")),
    "--safe et plugin inconnu": Case(("serve", "--safe", "p"), 1, (
        "p/mkdocs.yml:24: plugins: « macros » non autorisé",),
        _edit("mkdocs.yml", _replace("  - offline\n", "  - macros\n"))),
    "--safe et INHERIT hors du projet": Case(("build", "--safe", "p"), 1, (
        "p/mkdocs.yml:43: INHERIT: « ../ailleurs.yml » sort du dossier du projet",),
        _edit("mkdocs.yml", lambda t: t + "INHERIT: ../ailleurs.yml\n")),
    "alias en cascade": Case(("validate", "p"), 1, (
        f"{T}:5: (document): limite dépassée, colonne 45", "une fois les alias (*nom) développés"),
        _edit("territoire.yaml", lambda t: _bomb() + t)),
    "imbrication profonde": Case(("validate", "p"), 1, (
        "p/fonctions/emploi.yaml:1: (document): limite dépassée, colonne 57",
        "imbrication trop profonde (plus de 50 niveaux"),
        _write("fonctions/emploi.yaml", "notes: " + "[" * 80 + "]" * 80 + "\n")),
    "entier énorme": Case(("validate", "p"), 1, (
        "p/fonctions/accessibilite.yaml:2: (document): limite dépassée, colonne 11",
        "nombre entier trop long", "entre guillemets si c'est un code"),
        _write(ACC, "paniers_solidaires:\n  foyers: 1" + "0" * 5000 + "\n")),
    "1e30 dans une fonction": Case(("build", "p"), 1, (
        "p/fonctions/evaluation.yaml:4: indicateurs[0].cible",
        "la valeur doit être au plus 1\u202f000\u202f000\u202f000"),
        _write("fonctions/evaluation.yaml", INDICATOR.format("1.0e+30"))),
    "séparateur de ligne dans un nom": Case(("validate", "p"), 1, (
        f"{T}:3: (document): caractère invisible interdit, colonne 17",
        "séparateur de ligne (U+2028)", "supprimez-le"),
        _edit("territoire.yaml", _replace("nom: Pays Tolosan", "nom: Pays Tolo\u2028san"))),
    "caractères de contrôle bruts": Case(("validate", "p"), 1, (
        "p/fonctions/emploi.yaml:1: (document): caractère invisible interdit, colonne 10",
        "caractère de contrôle (U+0007)", "p/fonctions/emploi.yaml:2:", "(U+007F)",
        "p/fonctions/emploi.yaml:3:", "passage à la ligne NEL (U+0085)"),
        _write("fonctions/emploi.yaml", "notes: ab\x07c\n# \x7f\n# \x85\n")),
    "mkdocs.yml en liste": Case(("build", "p"), 1, (
        f"{M}:1: (document): ce fichier de configuration doit être un ensemble de champs",
        "pas une liste"), _write("mkdocs.yml", "- theme\n- plugins\n")),
    "mkdocs.yml en alias": Case(("build", "p"), 1, (f"{M}:5:", "alias (*nom) développés"),
                                 _edit("mkdocs.yml", lambda t: _bomb() + t)),
    "INHERIT pas un texte": Case(("build", "p"), 1, (
        f"{M}:1: INHERIT: le chemin du fichier dont hériter est attendu",),
        _edit("mkdocs.yml", lambda t: "INHERIT: [base.yml]\n" + t)),
    "INHERIT absolu": Case(("build", "p"), 1, (
        f"{M}:1: INHERIT: « /etc/mkdocs.yml » est un chemin absolu",),
        _edit("mkdocs.yml", lambda t: "INHERIT: /etc/mkdocs.yml\n" + t)),
    "INHERIT hors du projet": Case(("build", "p"), 1, (
        f"{M}:1: INHERIT: « ../ailleurs.yml » sort du dossier du projet",),
        lambda tmp: (_edit("mkdocs.yml", lambda t: "INHERIT: ../ailleurs.yml\n" + t)(tmp),
                     (tmp / "ailleurs.yml").write_text("theme: {name: material}\n", "utf-8"))),
    "INHERIT introuvable": Case(("build", "p"), 1, (
        f"{M}:1: INHERIT: fichier « base.yml » introuvable",),
        _edit("mkdocs.yml", lambda t: "INHERIT: base.yml\n" + t)),
    "INHERIT en boucle": Case(("build", "p"), 1, (
        "p/base.yml:1: INHERIT: « mkdocs.yml » est déjà dans la chaîne d'héritage",),
        lambda tmp: (_edit("mkdocs.yml", lambda t: "INHERIT: base.yml\n" + t)(tmp),
                     (tmp / "p" / "base.yml").write_text("INHERIT: mkdocs.yml\n", "utf-8"))),
    "fichier hérité mal formé": Case(("build", "p"), 1, ("p/base.yml:2:", "YAML invalide"),
        lambda tmp: (_edit("mkdocs.yml", lambda t: "INHERIT: base.yml\n" + t)(tmp),
                     (tmp / "p" / "base.yml").write_text("theme: [\n", "utf-8"))),
    "en-tête de page mal formé": Case(("build", "p"), 1, (
        f"{PAGE}:3: (document): YAML invalide, colonne 1",),
        _write("docs/page.md", "---\ntitle: [Nos\n---\n# Page\n")),
    "en-tête de page en alias": Case(("build", "p"), 1, (
        f"{PAGE}:6: (document): limite dépassée, colonne 45", "alias (*nom) développés"),
        _write("docs/page.md", "---\n" + _bomb() + "---\n# Page\n")),
    "en-tête de page en liste": Case(("build", "p"), 1, (
        f"{PAGE}:2: (document): l'en-tête de la page (entre les lignes ---) doit être",),
        _write("docs/page.md", "---\n- a\n---\n# Page\n")),
    "titre de page en liste": Case(("build", "p"), 1, (
        f"{PAGE}:2: title: le titre de la page est attendu en texte",),
        _write("docs/page.md", "---\ntitle: [a, b]\n---\n# Page\n")),
    "registre absent": Case(("requests", "--registre", "absent.sqlite", "list"), 1, (
        "absent.sqlite : registre introuvable.",)),
    "recherche sans résultat": Case(("lookup", "qwxzzv"), 1, (
        "Aucun territoire trouvé pour « qwxzzv »",)),
    "serve hors projet": Case(("serve", "ailleurs"), 1, (
        "ailleurs", "n'est pas un projet de site Ecopôle"),
        lambda tmp: (tmp / "ailleurs").mkdir()),
    "option inconnue": Case(("build", "--vite"), 2, ("Option inconnue '--vite'",)),
    "argument manquant": Case(("lookup",), 2, ("Argument manquant",)),
    "trop d'arguments": Case(("build", "a", "b"), 2, ("Argument en trop",)),
    "port invalide": Case(("serve", "--port", "80"), 2, ("Valeur invalide pour '--port'",)),
}


# Accepted as they are, the site built (mkdocs runs: slow), and nothing hostile left in it.
BUILT = {
    "en-tête de page avec un script dans le titre": Case(("build", "p"), 0, (
        "Site construit",), _write("docs/page.md", "---\ntitle: </title><script>alert(1)"
                                   "</script>\nsubtitle: <img src=x onerror=alert(2)>\n"
                                   "description: '\"><script>alert(1)</script>'\n---\n\n"
                                   "Le texte de la page.\n")),
    "page nommée <script>.md": Case(("build", "p"), 0, ("Site construit",),
                                    _write("docs/<script>alert(1).md", "Texte.\n")),
    "titre de page en HTML": Case(("build", "p"), 0, ("Site construit",),
                                  _write("docs/page.md", "<img src=x onerror=alert(2)>\n"
                                         "===\n\nTexte.\n"), own_html="page.html"),
    "titre de page échappé": Case(("build", "p"), 0, ("Site construit",),
                                  _write("docs/page.md", "# Nos &lt;script&gt;alert(1)"
                                         "&lt;/script&gt;\n\nTexte.\n")),
}
# Rows that copy a project, read its mkdocs.yml or render the kit's pages before refusing
# (40 ms to 0.6 s each): in the whole suite only, but for one of each kind of file.
RENDERING = {
    "recherche sans résultat", "code officiel inconnu", "champ obligatoire manquant",
    "1e30 dans une fonction", "--safe et INHERIT hors du projet", "--safe et plugin inconnu",
    "--safe et hooks", "en-tête de page en alias", "en-tête de page en liste",
    "en-tête de page mal formé", "titre de page en liste", "page réservée",
    "fichier du kit dans docs", "lien hors du projet dans docs", "site est un lien",
    ".ecopole est un lien", "INHERIT en boucle", "INHERIT absolu", "INHERIT hors du projet",
    "INHERIT pas un texte", "fichier hérité mal formé", "mkdocs.yml lien hors du projet",
    "mkdocs.yml en alias", "mkdocs.yml en liste"}
ROWS = [*(pytest.param(name, marks=pytest.mark.slow) if name in RENDERING else name
          for name in sorted(CASES)),
        *(pytest.param(name, marks=pytest.mark.slow) for name in sorted(BUILT))]
assert set(CASES) >= RENDERING


@pytest.mark.parametrize("name", ROWS)
def test_bad_input(name: str, run_cli, tmp_path: Path) -> None:
    case = CASES.get(name) or BUILT[name]
    case.setup(tmp_path)
    result = run_cli(*case.args)
    assert result.exit_code == case.exit_code, result.output + result.stderr
    told = result.stderr if case.exit_code else result.output
    for fragment in case.fragments:
        assert fragment in told, f"{fragment!r} not in {told!r}"
    assert "Traceback" not in result.output + result.stderr
    assert "Erreur inattendue" not in result.stderr  # a bug, not a person's mistake
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert not (tmp_path / "absent.sqlite").exists()
    for page in (tmp_path / "p" / "site").rglob("*.html"):
        if page.name == case.own_html:
            continue
        html = page.read_text("utf-8")
        assert not [bad for bad in HOSTILE if bad in html], page


def test_an_unexpected_failure_is_reported_without_traceback(
        run_cli, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("panne simulée")

    monkeypatch.setattr("ecopole_kit.workflows.create.run_demo", broken)
    result = run_cli("demo")
    assert result.exit_code == 1
    assert "Erreur inattendue d'ecopole-kit : RuntimeError : panne simulée" in result.stderr
    assert "ECOPOLE_KIT_DEBUG=1" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.slow
def test_ctrl_c_in_the_interview_offers_to_save_the_answers(
        run_cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    typed = iter(["commune", "62057", "1"])

    def ask(self: object, question: object, *, default: str, position: str) -> str:
        try:
            return next(typed)
        except StopIteration:
            raise KeyboardInterrupt from None

    monkeypatch.setattr("ecopole_kit.cli.console.TerminalPrompter.ask", ask)
    result = run_cli("new", "projet", input="o\n")
    assert result.exit_code == 1
    saved = tmp_path / "reponses-entretien.yaml"
    resume = f"ecopole-kit new --answers {saved} projet"  # into the same folder
    assert f"reprenez avec : {resume}" in " ".join(result.stderr.split())
    assert resume in saved.read_text("utf-8")
    assert "codes:\n  - '62057'" in saved.read_text("utf-8")
    assert not (tmp_path / "projet").exists()
    resumed = run_cli("new", "projet", "--answers", str(saved), "--no-input")
    assert "Réponses obligatoires manquantes" in resumed.stderr  # what is left to answer
    assert saved.exists()  # nothing was created: the answers stay


@pytest.mark.slow
def test_saved_answers_are_removed_once_the_project_exists(run_cli, tmp_path: Path) -> None:
    from ecopole_kit.workflows.create import save_answers

    for keep, folder in ((False, "a"), (True, "b")):
        saved = tmp_path / f"reponses-{folder}.yaml"
        save_answers(example("gohelle"), saved, tmp_path / folder)
        args = ["new", folder, "--answers", str(saved), "--no-input"]
        result = run_cli(*args, *(["--garder-reponses"] if keep else []))
        assert result.exit_code == 0, result.output
        assert saved.exists() is keep
        assert ("Réponses enregistrées supprimées" in result.stdout) is not keep
    own = tmp_path / "mes-reponses.yaml"  # a file the person wrote is theirs: kept
    own.write_text((Path(__file__).parent.parent / "examples" / "gohelle.yaml")
                   .read_text("utf-8"), "utf-8")
    assert run_cli("new", "c", "--answers", str(own), "--no-input").exit_code == 0
    assert own.exists()


@pytest.mark.slow
def test_a_taken_destination_is_said_before_the_first_question(
        run_cli, tmp_path: Path) -> None:
    (tmp_path / "pris").mkdir()
    (tmp_path / "pris" / "notes.txt").write_text("à moi", "utf-8")
    result = run_cli("new", "pris", input="\n")
    assert result.exit_code == 1
    assert "le dossier n'est pas vide" in result.stdout
    assert "Choisissez un autre dossier" in result.stdout
    assert "[1/" not in result.stdout  # no question was asked
    assert "Entretien interrompu." in result.stderr and "Rien n'a été écrit." in result.stderr
    stopped = run_cli("new", "pris")  # the end of input at once: stopped the same way
    assert stopped.exit_code == 1 and "Rien n'a été écrit." in stopped.stderr
    assert (tmp_path / "pris" / "notes.txt").read_text("utf-8") == "à moi"
    other = run_cli("new", "pris", "--answers",
                    str(Path(__file__).parent.parent / "examples" / "gohelle.yaml"),
                    input="libre\n" + "\n" * 80)
    assert other.exit_code == 0, other.output
    assert (tmp_path / "libre" / "territoire.yaml").is_file()


def test_end_of_input_in_the_interview_writes_nothing(run_cli, tmp_path: Path) -> None:
    result = run_cli("new", "projet", input="commune\n")
    assert result.exit_code == 1
    assert "Entretien interrompu." in result.stderr
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("text", "said"), [
    ("a: b: c\n", "deux-points inattendu"),
    ("a:\n\t- x\n", "tabulation interdite : indentez avec des espaces"),
    ("a: [1, 2\n", "liste entre crochets non fermée"),
    ("a: 'x\n", "guillemets ouverts et jamais fermés"),
    ("a: *nope\n", "alias « *nope » sans ancre « &nope » définie"),
    ("a: @x\n", "le caractère « @ » ne peut pas commencer une valeur"),
])
def test_yaml_syntax_errors_are_said_in_french(text: str, said: str) -> None:
    from ecopole_kit.errors import InvalidDocuments
    from ecopole_kit.foundation.documents import parse_yaml

    with pytest.raises(InvalidDocuments) as raised:
        parse_yaml(text, "f.yaml")
    message = raised.value.issues[0].message
    assert said in message and "YAML invalide, colonne" in message
    assert not any(word in message for word in ("found", "expected", "token", "while"))


def test_an_unclosed_mapping_is_said_in_french() -> None:
    from ecopole_kit.errors import InvalidDocuments
    from ecopole_kit.foundation.documents import parse_yaml

    with pytest.raises(InvalidDocuments) as raised:
        parse_yaml("{0\n", "f.yaml")
    assert "ensemble entre accolades non fermé (« } »)" in raised.value.issues[0].message
