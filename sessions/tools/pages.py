"""The frame every organiser tool page shares: the session, permissions, the page.

Each tool's view (in its own module) takes the SessionAdmin it is served by, so
the pages stay inside the admin: its login, its site header, its breadcrumbs.
"""

from django.contrib import messages
from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html


def tool_session(model_admin, request, object_id):
    session = model_admin.get_object(request, unquote(object_id))
    if session is None:
        raise Http404("No session with this id.")
    return session


def tool_response(model_admin, request, session, template, title, context):
    opts = model_admin.opts
    return TemplateResponse(
        request,
        f"admin/{opts.app_label}/{opts.model_name}/{template}",
        {
            **model_admin.admin_site.each_context(request),
            "opts": opts,
            "original": session,
            "title": title,
            "subtitle": str(session),
            **context,
        },
    )


def change_url(model_admin, session):
    opts = model_admin.opts
    return reverse(
        f"admin:{opts.app_label}_{opts.model_name}_change",
        args=[quote(session.pk)],
        current_app=model_admin.admin_site.name,
    )


def two_step_view(model_admin, request, object_id, *, form_class, preview, apply, **page):
    """Preview on the first POST; apply on a confirmation of that same preview."""
    session = tool_session(model_admin, request, object_id)
    if not model_admin.has_change_permission(request, session):
        raise PermissionDenied
    form = form_class(request.POST or None, session=session)
    plan = None
    if form.is_valid():
        plan = preview(session=session, **form.service_arguments())
        form.show_plan(plan)
        if plan.problems:
            for problem in plan.problems:
                form.add_error(None, problem)
        elif form.is_confirmed(plan):
            try:
                apply(session=session, **form.service_arguments())
            except ValidationError as error:  # the agenda changed under our feet
                form.add_error(None, error)
            else:
                model_admin.message_user(request, format_html(page["done"], session))
                return HttpResponseRedirect(change_url(model_admin, session))
        else:
            if form.wants_confirmation:
                model_admin.message_user(
                    request,
                    "The agenda or the form changed since the preview: "
                    "check this preview and confirm again.",
                    messages.WARNING,
                )
            form.offer_confirmation(plan)
    return tool_response(
        model_admin, request, session, page["template"], page["title"], {"form": form, "plan": plan}
    )
