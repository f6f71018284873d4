"""Evaluation tooling (benchmark sets, scoring through the running bot): not part of the product."""
