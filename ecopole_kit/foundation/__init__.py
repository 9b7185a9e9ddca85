"""What every room stands on: YAML documents with lines, schema validation, shipped
resources, Markdown literals, French formatting and collation."""
