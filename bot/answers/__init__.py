"""The curated answer base: YAML source files, their validation, and the SQL store."""
