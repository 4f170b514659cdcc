"""Workspace pages under /desk/knowledge/: list and queues, article, edit, workflow, revisions,
files, and the ticket page's knowledge panel (suggestions and similar resolved tickets)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gongdan.core.downloads import stored_file_response
from gongdan.core.errors import DomainError, NotFound
from gongdan.core.forms import add_domain_error
from gongdan.core.pagination import Page, keyset_page
from gongdan.knowledge import policies, selectors, services
from gongdan.knowledge.choices import ArticleLanguage, ArticleStatus
from gongdan.knowledge.forms import ArticleForm, FileForm
from gongdan.knowledge.models import Article, ArticleFile
from gongdan.tickets.views._common import actor, staff_required, visible_ticket

PAGE_SIZE = 50


def _article(request: HttpRequest, pk: int) -> Article:
    try:
        return selectors.article_get(user=actor(request), pk=pk)
    except NotFound as exc:
        raise Http404(str(exc.message)) from exc


def _page(request: HttpRequest, qs: QuerySet[Article], ordering: list[str]) -> Page[Article]:
    """One keyset page; a mangled cursor starts again from the first page."""
    try:
        return keyset_page(qs, ordering=ordering, size=PAGE_SIZE, cursor=request.GET.get("cursor"))
    except DomainError:
        return keyset_page(qs, ordering=ordering, size=PAGE_SIZE)


def _query_without_cursor(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("cursor", None)
    return query.urlencode()


def _int(value: str | None) -> int | None:
    # Ids fit 18 digits; longer ones cannot be sent to the database (SQLite overflows).
    return int(value) if value and value.isdigit() and len(value) <= 18 else None


@require_GET
@staff_required
def article_list(request: HttpRequest) -> HttpResponse:
    """All articles with filters; ``?queue=review`` the review queue, ``?queue=due`` the
    published articles past their review date."""
    user = actor(request)
    queue = request.GET.get("queue", "")
    status = request.GET.get("status", "")
    filters = selectors.ArticleFilters(
        status=status if status in ArticleStatus.values else "",
        category=_int(request.GET.get("category")),
        language=request.GET.get("language", "")
        if request.GET.get("language") in ArticleLanguage.values
        else "",
        mine=request.GET.get("mine") == "1",
    )
    if queue == "review":
        filters.status = ArticleStatus.REVIEW
    if queue == "due":
        qs, ordering = selectors.due_for_review(user=user), ["review_by", "id"]
    else:
        qs, ordering = selectors.article_list(user=user, filters=filters), ["-updated_at", "-id"]
    page = _page(request, selectors.with_stats(qs), ordering)
    articles = page.items
    context = {
        "articles": articles,
        "page": page,
        "query": _query_without_cursor(request),
        "queue": queue,
        "filters": filters,
        "statuses": ArticleStatus.choices,
        "languages": ArticleLanguage.choices,
        "categories": selectors.categories(),
        "may_create": policies.may_create(user),
    }
    return render(request, "knowledge/desk_list.html", context)


def _save_new(
    request: HttpRequest, form: ArticleForm, variant_of: Article | None, ticket: Any
) -> Article | None:
    try:
        return services.article_create(
            actor=actor(request),
            data=form.data_(),
            language=form.cleaned_data["language"],
            variant_of=variant_of,
            source_ticket=ticket,
        )
    except DomainError as exc:
        add_domain_error(form, exc)
        return None


def _prefill(request: HttpRequest) -> tuple[dict[str, Any], Any, Article | None]:
    """Initial values from ``?ticket=NUMBER`` (question + resolution) or ``?variant_of=ID``."""
    initial: dict[str, Any] = {"language": selectors.reader_language()}
    ticket, variant_of = None, None
    number = request.GET.get("ticket") or request.POST.get("ticket")
    if number:
        ticket = visible_ticket(request, number)
        answer = selectors.ticket_resolution(ticket=ticket)
        initial |= {
            "title": ticket.title,
            "body": f"## {_('Question')}\n\n{ticket.description}\n\n## {_('Answer')}\n\n{answer}\n",
            "visibility": "internal",
        }
    pk = _int(request.GET.get("variant_of") or request.POST.get("variant_of"))
    if pk:
        variant_of = _article(request, pk)
        other = next(c for c in ArticleLanguage.values if c != variant_of.language)
        initial |= ArticleForm.initial_for(variant_of) | {
            "language": other,
            "body": variant_of.body,
        }
    return initial, ticket, variant_of


@require_http_methods(["GET", "POST"])
@staff_required
def article_new(request: HttpRequest) -> HttpResponse:
    initial, ticket, variant_of = _prefill(request)
    form = ArticleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        article = _save_new(request, form, variant_of, ticket)
        if article is not None:
            messages.success(request, _("The draft was saved."))
            return redirect("knowledge:detail", article.pk)
    context = {"form": form, "ticket": ticket, "variant_of": variant_of}
    return render(request, "knowledge/desk_edit.html", context, status=422 if form.errors else 200)


@require_GET
@staff_required
def article_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = actor(request)
    article = _article(request, pk)
    services.article_viewed(article=article)
    stats = selectors.article_stats(article=article)
    context = {
        "article": article,
        "tags": list(article.tags.all()),
        "files": list(article.files.all()),
        "variants": selectors.variants(user=user, article=article),
        "stats": stats,
        "may_edit": policies.may_edit(user, article),
        "targets": [(t, ArticleStatus(t).label) for t in policies.targets(user, article)],
        "file_form": FileForm(),
        "missing_language": [c for c, _label in ArticleLanguage.choices if c != article.language],
    }
    return render(request, "knowledge/desk_detail.html", context)


@require_http_methods(["GET", "POST"])
@staff_required
def article_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = actor(request)
    article = _article(request, pk)
    if not policies.may_edit(user, article):
        raise Http404(_("You may not edit this article."))
    form = ArticleForm(
        request.POST or None, article=article, initial=ArticleForm.initial_for(article)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.article_update(
                actor=user,
                article=article,
                data=form.data_(),
                note=form.cleaned_data.get("note") or "",
                version=form.cleaned_data.get("version"),
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("The article was saved."))
            return redirect("knowledge:detail", article.pk)
    context = {"form": form, "article": article}
    return render(request, "knowledge/desk_edit.html", context, status=422 if form.errors else 200)


@require_POST
@staff_required
def article_transition(request: HttpRequest, pk: int) -> HttpResponse:
    article = _article(request, pk)
    try:
        services.article_transition(
            actor=actor(request), article=article, to=request.POST.get("to", "")
        )
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(
            request, _("Status changed to %(s)s.") % {"s": article.get_status_display()}
        )
    return redirect("knowledge:detail", pk)


@require_GET
@staff_required
def article_revisions(request: HttpRequest, pk: int) -> HttpResponse:
    article = _article(request, pk)
    revisions = list(selectors.revision_list(article=article))
    old, new = _int(request.GET.get("old")), _int(request.GET.get("new"))
    if old is None and len(revisions) > 1:
        old, new = revisions[1].number, revisions[0].number
    diff: list[tuple[str, str]] = []
    if old and new:
        try:
            diff = selectors.revision_diff(article=article, old=old, new=new)
        except NotFound as exc:
            raise Http404(str(exc.message)) from exc
    context = {
        "article": article,
        "revisions": revisions,
        "diff": diff,
        "old": old,
        "new": new,
        "may_edit": policies.may_edit(actor(request), article),
    }
    return render(request, "knowledge/desk_revisions.html", context)


@require_POST
@staff_required
def article_restore(request: HttpRequest, pk: int) -> HttpResponse:
    article = _article(request, pk)
    try:
        services.article_restore(
            actor=actor(request), article=article, number=_int(request.POST.get("revision")) or 0
        )
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect("knowledge:revisions", pk)
    messages.success(request, _("The old revision was restored as a new one."))
    return redirect("knowledge:detail", pk)


@require_POST
@staff_required
def file_upload(request: HttpRequest, pk: int) -> HttpResponse:
    article = _article(request, pk)
    form = FileForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a file to upload."))
    else:
        try:
            item = services.file_add(
                actor=actor(request), article=article, upload=form.cleaned_data["file"]
            )
        except DomainError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("“%(name)s” was uploaded.") % {"name": item.name})
    return redirect("knowledge:detail", pk)


@require_GET
def file_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    """A file of an article the user may read (staff or customer); 404 otherwise."""
    if not request.user.is_authenticated:
        raise Http404
    item = ArticleFile.objects.filter(pk=pk).select_related("article").first()
    if item is None:
        raise Http404
    _article(request, item.article_id)
    try:
        return stored_file_response(item, inline=item.is_image)
    except NotFound as exc:
        raise Http404(str(exc)) from exc


@require_GET
@staff_required
def ticket_panel(request: HttpRequest, number: str) -> HttpResponse:
    """The ticket page's side panel (htmx): suggested articles to insert into the reply, the
    most similar resolved tickets, and a link to turn the ticket into an article."""
    user = actor(request)
    ticket = visible_ticket(request, number)
    text = f"{ticket.title} {ticket.description}"
    context = {
        "ticket": ticket,
        "articles": selectors.article_suggest(user=user, text=text, limit=5),
        "similar": selectors.similar_tickets(user=user, ticket=ticket, limit=5),
        "base_url": request.build_absolute_uri("/")[:-1],
    }
    return render(request, "knowledge/_ticket_panel.html", context)
