import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Make sure a local organiser login exists and print how to log in. "
        "The password is kept in data/organiser-password (git-ignored)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", default="organiser")
        parser.add_argument(
            "--password-file",
            type=Path,
            default=settings.DATA_DIR / "organiser-password",
            help="Where the password is kept (default: data/organiser-password).",
        )

    def handle(self, *args, username, password_file, **options):
        User = get_user_model()
        user, created = User.objects.get_or_create(username=username, defaults={"is_staff": True})
        if created or not password_file.exists():
            password = secrets.token_urlsafe(12)
            user.set_password(password)
            user.is_staff = True
            user.save()
            password_file.parent.mkdir(parents=True, exist_ok=True)
            password_file.touch(mode=0o600)
            password_file.write_text(password + "\n")
        user.groups.add(Group.objects.get(name="Organisers"))
        password = password_file.read_text().strip()
        self.stdout.write(f"Organiser login: user {username!r}, password {password!r}")
