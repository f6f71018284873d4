from bot.redaction import redact


def test_contact_details_ids_and_numbers_are_removed() -> None:
    text = "My name is John Smith, MRN 1234567, call 555-123-4567 or john@example.com. Creatinine 2.1 on 3/4/2025"
    redacted = redact(text)
    for private in ("John", "Smith", "1234567", "555-123-4567", "john@example.com", "2.1", "3/4/2025"):
        assert private not in redacted
    assert "[name]" in redacted and "[email]" in redacted


def test_plain_question_is_kept() -> None:
    assert redact("how long does the hospital stay last") == "how long does the hospital stay last"
