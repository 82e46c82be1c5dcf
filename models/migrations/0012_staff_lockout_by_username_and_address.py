from tortoise import migrations
from tortoise.migrations import operations as ops

class Migration(migrations.Migration):
    dependencies = [('models', '0011_receipts_and_certificates')]

    initial = False

    operations = [
        ops.RemoveField(model_name='StaffUser', name='failed_logins'),
        ops.RemoveField(model_name='StaffUser', name='failure_window_started_at'),
        ops.RemoveField(model_name='StaffUser', name='locked_until'),
    ]
