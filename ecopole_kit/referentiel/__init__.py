"""The référentiel as content: functions, fiches-action, pages and glossary, loaded and checked."""
