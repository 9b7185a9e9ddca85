"""Validate every fiche of referentiel/fiches against schemas/fiche.schema.json (authoring aid)."""

import json
import pathlib
import sys

import jsonschema
import yaml

ROOT = pathlib.Path(__file__).resolve().parent.parent
schema = json.loads((ROOT / "schemas" / "fiche.schema.json").read_text(encoding="utf-8"))
validator = jsonschema.Draft202012Validator(schema)
ids = {p.stem for p in (ROOT / "referentiel" / "fiches").glob("*/*.yaml")}
failed = False
for path in sorted((ROOT / "referentiel" / "fiches").glob("*/*.yaml")):
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for error in validator.iter_errors(data):
        failed = True
        print(f"{path}: {'.'.join(map(str, error.path))}: {error.message}")
    if isinstance(data, dict):
        if data.get("id") != path.stem or data.get("fonction") != path.parent.name:
            failed = True
            print(f"{path}: id/fonction must match file name and folder")
        for target in data.get("liens", []):
            if target not in ids:
                print(f"{path}: liens: unknown fiche {target} (fine if another author writes it)")
print("FAILED" if failed else "ok")
sys.exit(1 if failed else 0)
