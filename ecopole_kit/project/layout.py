"""Where things are in a site project: the one source for its file and folder names."""

from __future__ import annotations

TERRITORY_FILE = "territoire.yaml"  # the territory, the lead organisation, the actions engaged
FUNCTIONS_DIR = "fonctions"  # one configuration per function: fonctions/<fonction>.yaml
USER_DOCS = "docs"  # the project's own pages, added to the site
MKDOCS_FILE = "mkdocs.yml"  # the site's appearance, the person's to edit
SITE_DIR = "site"  # the built static site
RECORD_DIR = ".ecopole"  # what the kit keeps: versions, answers, schemas, build folder
RECORD_FILE = "projet.yaml"  # inside RECORD_DIR: kit and référentiel versions, date
ANSWERS_FILE = "reponses.yaml"  # inside RECORD_DIR: the interview's answers
SCHEMA_DIR = "schemas"  # inside RECORD_DIR: the schemas, for editors offline
BACKUP_DIR = "sauvegardes"  # inside RECORD_DIR: files the kit replaced
BUILD_DIR = f"{RECORD_DIR}/build"  # the rendered pages mkdocs builds from
BUILD_STAMP = f"{RECORD_DIR}/construction.json"  # what the last successful build was made from
SUMMARY_FILE = "ecopole.json"  # inside SITE_DIR: the site's summary, read by the network
