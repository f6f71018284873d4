"""Domain logic of the IL-2 patient-education assistant (everything that is not Rasa glue)."""
