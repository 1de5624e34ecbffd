import pytest
from django.core.exceptions import ValidationError

from common.validators import validate_single_line


@pytest.mark.parametrize(
    "value",
    ["Session Two", "Q&A: “what next?”", "مرحبا بالعالم", "🎤👩🏽‍💻", "Two  spaces", ""],
)
def test_single_line_accepts_any_text_on_one_line(value):
    validate_single_line(value)


@pytest.mark.parametrize(
    ("value", "found"),
    [
        ("Civil society\nand cybercrime", "a line break"),
        ("Civil society\r\nand cybercrime", "a line break"),
        ("Civil society\rand cybercrime", "a line break"),
        ("Civil society\u2028and cybercrime", "a line break"),
        ("Civil society\x85and cybercrime", "a line break"),
        ("Civil society\x0band cybercrime", "a line break"),
        ("Civil society\tand cybercrime", "a tab"),
        ("Civil society\x00and cybercrime", "a control character (U+0000)"),
        ("Civil society\x1band cybercrime", "a control character (U+001B)"),
        ("Civil society\x7fand cybercrime", "a control character (U+007F)"),
    ],
)
def test_single_line_refuses_line_breaks_and_control_characters_naming_the_rule(value, found):
    with pytest.raises(ValidationError) as refused:
        validate_single_line(value)

    (message,) = refused.value.messages
    assert message == (
        f"A title is a single line of text: it may not contain {found}. Remove it, or put a "
        "space in its place."
    )
    assert refused.value.error_list[0].code == "single_line"
