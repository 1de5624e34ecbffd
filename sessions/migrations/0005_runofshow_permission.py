
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('agenda', '0004_history'),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='session',
            options={'ordering': ['event', 'order', 'pk'], 'permissions': [('view_runofshow', 'Can view the run-of-show')]},
        ),
    ]
