"""The view of the calling app, as its documentation gives it (HumeAiTwilio/api_views/
dashboard_views.py, get_scheduled_bulk_calls), unchanged."""
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from .models import TwilioCall


@api_view(['GET'])
@permission_classes([IsAuthenticated])
def get_scheduled_bulk_calls(request):
    """Get scheduled/bulk outbound calls from LOCAL DATABASE"""

    # Query local database
    calls = TwilioCall.objects.filter(
        direction='outbound'
    ).select_related('agent')

    # Optional status filter
    status_filter = request.GET.get('status')
    if status_filter == 'pending':
        calls = calls.filter(status='initiated')
    elif status_filter == 'in_progress':
        calls = calls.filter(status='in_progress')
    elif status_filter == 'completed':
        calls = calls.filter(status='completed')
    elif status_filter == 'failed':
        calls = calls.filter(status__in=['failed', 'no_answer', 'busy'])

    # Group by status
    calls_data = {
        'pending': [],
        'active': [],
        'completed': [],
        'failed': []
    }

    for call in calls:
        call_info = {
            'call_id': str(call.id),
            'call_sid': call.call_sid,
            'to_number': call.to_number,
            'customer_name': call.customer_name,
            'status': call.status,
            'agent': {
                'id': str(call.agent.id) if call.agent else None,
                'name': call.agent.name if call.agent else 'No Agent'
            },
            'created_at': call.created_at.isoformat(),
            'started_at': call.started_at.isoformat() if call.started_at else None,
            'duration': call.duration
        }

        # Categorize
        if call.status == 'initiated':
            calls_data['pending'].append(call_info)
        elif call.status == 'in_progress':
            calls_data['active'].append(call_info)
        elif call.status == 'completed':
            calls_data['completed'].append(call_info)
        else:
            calls_data['failed'].append(call_info)

    return Response({
        'success': True,
        'calls': calls_data,
        'summary': {
            'total_pending': len(calls_data['pending']),
            'total_active': len(calls_data['active']),
            'total_completed': len(calls_data['completed']),
            'total_failed': len(calls_data['failed'])
        }
    })
