import json
import os
import subprocess
import sys

from django.conf import settings

SHOW_MAILERS = (
    "import django, json; django.setup(); "
    "from django.conf import settings; print(json.dumps(settings.MAILERS))"
)


def mailers_for(email_url):
    """MAILERS as eventsite.settings builds them, in a fresh process that errors on warnings."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "eventsite.settings",
        "DEBUG": "1",
        "EMAIL_URL": email_url,
    }
    result = subprocess.run(  # noqa: S603 - our own interpreter, fixed arguments
        [sys.executable, "-W", "error", "-c", SHOW_MAILERS],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout)


def test_email_url_defaults_to_the_console_with_no_deprecated_settings():
    assert mailers_for("consolemail://") == {
        "default": {"BACKEND": "django.core.mail.backends.console.EmailBackend", "OPTIONS": {}}
    }


def test_smtp_email_url_becomes_the_default_mailers_options():
    mailers = mailers_for("smtp+tls://user%40example.org:secret@mail.example.org:587")

    assert mailers["default"] == {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": "mail.example.org",
            "port": 587,
            "username": "user@example.org",
            "password": "secret",
            "use_tls": True,
            "timeout": 10.0,
        },
    }
