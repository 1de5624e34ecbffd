from django.views.generic import DetailView

from .models import Speaker


class SpeakerView(DetailView):
    template_name = "speakers/speaker.html"

    def get_queryset(self):
        return Speaker.objects.with_affiliations()
