"""The app's two models, over the tables its migrations created (unmanaged here)."""
import uuid

from django.conf import settings
from django.db import models


class HumeAgent(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=255)
    description = models.TextField(null=True, blank=True)
    hume_config_id = models.CharField(max_length=255)
    voice_name = models.CharField(max_length=100)
    language = models.CharField(max_length=10)
    system_prompt = models.TextField()
    greeting_message = models.TextField()
    status = models.CharField(max_length=20)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)

    class Meta:
        managed = False
        db_table = "hume_agents"


class TwilioCall(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    call_sid = models.CharField(max_length=255, unique=True)
    from_number = models.CharField(max_length=20)
    to_number = models.CharField(max_length=20)
    direction = models.CharField(max_length=20)
    status = models.CharField(max_length=20)
    hume_session_id = models.CharField(max_length=255, null=True)
    hume_chat_id = models.CharField(max_length=255, null=True)
    duration = models.IntegerField()
    recording_url = models.URLField(null=True)
    customer_name = models.CharField(max_length=255, null=True)
    customer_email = models.EmailField(null=True)
    started_at = models.DateTimeField(null=True)
    ended_at = models.DateTimeField(null=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    agent = models.ForeignKey(HumeAgent, null=True, on_delete=models.SET_NULL)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)

    class Meta:
        managed = False
        db_table = "twilio_calls"
