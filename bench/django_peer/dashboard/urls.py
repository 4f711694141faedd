from django.urls import path

from calls import views

urlpatterns = [
    path("api/hume-twilio/dashboard/outbound/scheduled/", views.get_scheduled_bulk_calls),
]
