"""The knowledge base in the customer portal: browse by category, search, read, rate, and the
as-you-type suggestions on the new-ticket form.

Deflection: a suggestion link carries ``?from=suggest``; opening it records a
``SuggestionOpen`` for the session. Submitting a ticket in that session marks the session's
opens ``ticket_submitted`` (``portal.views.tickets.ticket_new``). An open still unmarked after
``selectors.DEFLECTION_WINDOW`` counts as one deflection of that article.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from gongdan.accounts.access import customer_required, workspace_url
from gongdan.accounts.policies import is_staff_user
from gongdan.core.errors import DomainError, NotFound
from gongdan.core.pagination import Page, keyset_page
from gongdan.knowledge import selectors, services
from gongdan.knowledge.forms import FeedbackForm
from gongdan.knowledge.models import Article, ArticleFeedback
from gongdan.search.selectors import search
from gongdan.tickets.views._common import actor

PAGE_SIZE = 30
View = Callable[..., HttpResponse]


def _session_key(request: HttpRequest) -> str:
    if not request.session.session_key:
        request.session.save()
    return request.session.session_key or ""


def reader_allowed(view: View) -> View:
    """Customers and visitors who are not signed in read here; staff go to their workspace."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if is_staff_user(request.user):  # anonymous: not staff
            return HttpResponseRedirect(workspace_url())
        return view(request, *args, **kwargs)

    return wrapped


def _article(request: HttpRequest, pk: int) -> Article:
    try:
        return selectors.article_get(user=actor(request), pk=pk)
    except NotFound as exc:
        raise Http404(str(exc.message)) from exc


@require_GET
@reader_allowed
def kb_home(request: HttpRequest) -> HttpResponse:
    """Categories, and the articles of one (``?category=``) or a search (``?q=``)."""
    user = actor(request)
    q = request.GET.get("q", "").strip()[:200]
    category = request.GET.get("category", "")
    articles: list[Article] = []
    page: Page[Article] | None = None
    error = ""
    if q:
        try:
            result = search(user=user, q=q, kind="article", limit=PAGE_SIZE)
        except DomainError as exc:
            error = str(exc.message)
        else:
            articles = [h.obj for h in result.hits]
    else:
        qs = selectors.reader_articles(user=user)
        if category.isdigit() and len(category) <= 18:
            qs = qs.filter(category_id=int(category))
        ordering = ["-published_at", "-id"]
        try:
            page = keyset_page(
                qs, ordering=ordering, size=PAGE_SIZE, cursor=request.GET.get("cursor")
            )
        except DomainError:  # a mangled cursor: the first page
            page = keyset_page(qs, ordering=ordering, size=PAGE_SIZE)
        articles = page.items
    context = {
        "page": page,
        "categories": selectors.categories(with_counts_for=user),
        "articles": articles,
        "q": q,
        "category": category,
        "error": error,
    }
    return render(request, "knowledge/portal_home.html", context)


@require_GET
@reader_allowed
def kb_article(request: HttpRequest, pk: int) -> HttpResponse:
    """An article in the reader's language when that variant exists; counts one view."""
    user = actor(request)
    article = _article(request, pk)
    shown = selectors.variant_for_reader(user=user, article=article)
    if request.GET.get("from") == "suggest":
        services.suggestion_opened(article=article, user=user, session_key=_session_key(request))
    services.article_viewed(article=shown)
    rated = _rated(request, shown)
    context = {
        "article": shown,
        "files": list(shown.files.all()),
        "variants": selectors.variants(user=user, article=shown),
        "form": FeedbackForm(),
        "rated": rated,
    }
    return render(request, "knowledge/portal_article.html", context)


def _rated(request: HttpRequest, article: Article) -> bool:
    feedback = ArticleFeedback.objects.filter(article=article)
    if request.user.is_authenticated:
        return feedback.filter(user=request.user.pk).exists()
    key = request.session.session_key
    return bool(key) and feedback.filter(user=None, session_key=key).exists()


@require_POST
@reader_allowed
def kb_feedback(request: HttpRequest, pk: int) -> HttpResponse:
    article = _article(request, pk)
    form = FeedbackForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Answer yes or no."))
    else:
        try:
            services.feedback_create(
                article=article,
                user=actor(request),
                session_key=_session_key(request),
                helpful=form.cleaned_data["helpful"],
                comment=form.cleaned_data.get("comment") or "",
            )
        except DomainError as exc:
            messages.info(request, str(exc.message))
        else:
            messages.success(request, _("Thank you for your feedback."))
    return redirect("portal:kb_article", pk)


@require_GET
@customer_required
def kb_suggest(request: HttpRequest) -> HttpResponse:
    """The new-ticket form asks this (htmx, debounced) with its title and description."""
    text = f"{request.GET.get('title', '')} {request.GET.get('description', '')}"[:1000]
    articles = selectors.article_suggest(user=actor(request), text=text) if text.strip() else []
    return render(request, "knowledge/_portal_suggestions.html", {"articles": articles})
