"""SHACL validation, the commit gate, reports and ODRL access decisions."""
