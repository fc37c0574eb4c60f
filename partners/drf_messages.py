"""Django REST framework's messages that the partner API can answer with, translated in this
app's French catalogue (DRF is used as a library, not an installed app: its own catalogue would
override Django's translations of the staff pages' form errors)."""

from django.utils.translation import gettext_noop

MESSAGES = (
    gettext_noop("This field may not be null."),
    gettext_noop("This field may not be blank."),
    gettext_noop("A valid integer is required."),
    gettext_noop("Must be a valid boolean."),
    gettext_noop("Not a valid string."),
    gettext_noop("Ensure this value is less than or equal to {max_value}."),
    gettext_noop("Ensure this value is greater than or equal to {min_value}."),
    gettext_noop("Ensure this field has no more than {max_length} characters."),
    gettext_noop('"{input}" is not a valid choice.'),
    gettext_noop('Expected a list of items but got type "{input_type}".'),
    gettext_noop("Date has wrong format. Use one of these formats instead: {format}."),
    gettext_noop("This value does not match the required pattern."),
    gettext_noop("No file was submitted."),
    gettext_noop("The submitted data was not a file. Check the encoding type on the form."),
    gettext_noop("The submitted file is empty."),
    gettext_noop("Authentication credentials were not provided."),
    gettext_noop('Method "{method}" not allowed.'),
    gettext_noop("Request was throttled."),
    gettext_noop('Unsupported media type "{media_type}" in request.'),
    gettext_noop("Malformed request."),
)
