"""/api/v1/knowledge/…: articles, their workflow and revisions, categories, feedback and
suggestions. Same visibility as the pages (``policies.article_visibility``)."""

from __future__ import annotations

from typing import Any

from django.http import FileResponse, HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import File, Query, Router
from ninja.files import UploadedFile
from ninja.responses import Status

from gongdan.accounts.api_auth import api_user
from gongdan.accounts.models import Team
from gongdan.accounts.policies import is_staff_user
from gongdan.core.api_support import ERRORS, ErrorOut, file_download, paginate, pick
from gongdan.core.downloads import stored_file_response
from gongdan.core.errors import Forbidden, NotFound, ValidationFailed
from gongdan.knowledge import selectors, services
from gongdan.knowledge.models import Article, ArticleFile, Category
from gongdan.knowledge.schemas import (
    ArticleFileOut,
    ArticleIn,
    ArticleListQuery,
    ArticleOut,
    ArticlePage,
    ArticlePatch,
    CategoryIn,
    CategoryOut,
    CategoryPatch,
    FeedbackIn,
    FeedbackOut,
    RestoreIn,
    RevisionsOut,
    RevisionsQuery,
    SuggestOut,
    SuggestQuery,
    TransitionIn,
)
from gongdan.search.selectors import article_url

router = Router(tags=["knowledge"])
ERRORS_409 = {**ERRORS, 409: ERRORS[400]}


def _summary(request: HttpRequest, a: Article) -> dict[str, Any]:
    return {
        "id": a.pk,
        "group_id": a.group_id,
        "language": a.language,
        "title": a.title,
        "status": a.status,
        "visibility": a.visibility,
        "category_id": a.category_id,
        "updated_at": a.updated_at,
        "published_at": a.published_at,
        "url": article_url(api_user(request), a.pk),
    }


def _full(request: HttpRequest, a: Article) -> dict[str, Any]:
    user = api_user(request)
    staff = is_staff_user(user)
    return _summary(request, a) | {
        "body": a.body if staff else "",
        "body_html": a.body_html,
        "tags": [t.name for t in a.tags.all()],
        "organization_ids": [o.pk for o in a.organizations.all()] if staff else [],
        "team_id": a.team_id,
        "review_by": a.review_by,
        "version": a.version,
        "view_count": a.view_count,
        "variants": [v.pk for v in selectors.variants(user=user, article=a)],
        "files": [_file(f) for f in a.files.all()],
    }


def _file(item: ArticleFile) -> dict[str, Any]:
    return {
        "id": item.pk,
        "name": item.name,
        "size": item.size,
        "content_type": item.content_type,
        "is_image": item.is_image,
        "url": reverse("api:knowledge_files_download", kwargs={"file_id": item.pk}),
        "embed_url": reverse("knowledge:file", args=[item.pk]),
    }


def _article(request: HttpRequest, article_id: int) -> Article:
    return selectors.article_get(user=api_user(request), pk=article_id)


def _refs(payload: ArticleIn | ArticlePatch, base: Article | None) -> services.ArticleData:
    """The payload merged over ``base`` (PATCH), unknown ids → 422 ``invalid_reference``."""
    sent = payload.model_fields_set

    def value(name: str, current: Any) -> Any:
        return getattr(payload, name) if base is None or name in sent else current

    category_id = value("category", base.category_id if base else None)
    team_id = value("team", base.team_id if base else None)
    # null in a PATCH clears the list, as it does for tags
    org_ids = value("organizations", [o.pk for o in base.organizations.all()] if base else []) or []
    organizations = services.organizations_of(org_ids)
    if len(organizations) != len(set(org_ids)):
        message = _("Unknown organization id.")
        raise ValidationFailed("invalid_reference", message, fields={"organizations": message})
    return services.ArticleData(
        title=value("title", base.title if base else ""),
        body=value("body", base.body if base else "") or "",
        category=pick(Category.objects.all(), category_id, field="category"),
        tags=value("tags", [t.name for t in base.tags.all()] if base else []) or [],
        visibility=value("visibility", base.visibility if base else "internal"),
        organizations=organizations,
        team=pick(Team.objects.all(), team_id, field="team"),
        review_by=value("review_by", base.review_by if base else None),
    )


@router.get(
    "/knowledge/articles",
    response={200: ArticlePage, **ERRORS},
    operation_id="knowledge_articles_list",
)
def knowledge_articles_list(request: HttpRequest, query: Query[ArticleListQuery]) -> dict[str, Any]:
    """Articles you may read, newest change first (customers: published ones visible to them)."""
    filters = selectors.ArticleFilters(
        status=query.status or "", category=query.category, language=query.language or ""
    )
    qs = selectors.article_list(user=api_user(request), filters=filters)
    page = paginate(qs, ordering=["-updated_at", "-id"], size=query.size, cursor=query.cursor)
    return {"items": [_summary(request, a) for a in page.items], "next_cursor": page.next_cursor}


@router.get(
    "/knowledge/articles/{article_id}",
    response={200: ArticleOut, **ERRORS},
    operation_id="knowledge_articles_get",
)
def knowledge_articles_get(request: HttpRequest, article_id: int) -> dict[str, Any]:
    """One article; 404 when it does not exist or you may not read it."""
    return _full(request, _article(request, article_id))


@router.post(
    "/knowledge/articles",
    response={201: ArticleOut, **ERRORS_409},
    operation_id="knowledge_articles_create",
)
def knowledge_articles_create(request: HttpRequest, payload: ArticleIn) -> Status[dict[str, Any]]:
    """A new draft (staff); with ``variant_of``, that article's variant in ``language``."""
    user = api_user(request)
    services.require_author(user)  # before any id is looked up
    variant_of = None
    if payload.variant_of is not None:
        variant_of = pick(selectors.article_list(user=user), payload.variant_of, field="variant_of")
    article = services.article_create(
        actor=user, data=_refs(payload, None), language=payload.language, variant_of=variant_of
    )
    return Status(201, _full(request, article))


@router.patch(
    "/knowledge/articles/{article_id}",
    response={200: ArticleOut, **ERRORS_409},
    operation_id="knowledge_articles_update",
)
def knowledge_articles_update(
    request: HttpRequest, article_id: int, payload: ArticlePatch
) -> dict[str, Any]:
    """Change the fields sent; saves a new revision. 409 when ``version`` is stale."""
    article = _article(request, article_id)
    services.require_editor(api_user(request), article)  # before any id is looked up
    article = services.article_update(
        actor=api_user(request),
        article=article,
        data=_refs(payload, article),
        note=payload.note,
        version=payload.version,
    )
    return _full(request, article)


@router.post(
    "/knowledge/articles/{article_id}/transition",
    response={200: ArticleOut, **ERRORS_409},
    operation_id="knowledge_articles_transition",
)
def knowledge_articles_transition(
    request: HttpRequest, article_id: int, payload: TransitionIn
) -> dict[str, Any]:
    """Submit for review, publish, send back, archive (422 ``article.illegal_transition``)."""
    article = services.article_transition(
        actor=api_user(request), article=_article(request, article_id), to=payload.to
    )
    return _full(request, article)


def _staff_article(request: HttpRequest, article_id: int) -> Article:
    article = _article(request, article_id)
    if not is_staff_user(api_user(request)):
        raise Forbidden("permission.staff_only", _("Only service staff may do this."))
    return article


@router.get(
    "/knowledge/articles/{article_id}/revisions",
    response={200: RevisionsOut, **ERRORS},
    operation_id="knowledge_articles_revisions",
)
def knowledge_articles_revisions(
    request: HttpRequest, article_id: int, query: Query[RevisionsQuery]
) -> dict[str, Any]:
    """Every revision, newest first (staff); with ``old`` and ``new``, their line diff."""
    article = _staff_article(request, article_id)
    diff = []
    if query.old and query.new:
        rows = selectors.revision_diff(article=article, old=query.old, new=query.new)
        diff = [{"kind": k, "text": t} for k, t in rows]
    items = [
        {
            "number": r.number,
            "title": r.title,
            "body": r.body,
            "author": str(r.author) if r.author else "",
            "note": r.note,
            "created_at": r.created_at,
        }
        for r in selectors.revision_list(article=article)
    ]
    return {"items": items, "diff": diff}


@router.post(
    "/knowledge/articles/{article_id}/restore",
    response={200: ArticleOut, **ERRORS_409},
    operation_id="knowledge_articles_restore",
)
def knowledge_articles_restore(
    request: HttpRequest, article_id: int, payload: RestoreIn
) -> dict[str, Any]:
    """Bring back an old revision's title and body as a new revision."""
    article = services.article_restore(
        actor=api_user(request), article=_article(request, article_id), number=payload.revision
    )
    return _full(request, article)


@router.post(
    "/knowledge/articles/{article_id}/feedback",
    response={201: FeedbackOut, **ERRORS_409},
    operation_id="knowledge_feedback_create",
)
def knowledge_feedback_create(
    request: HttpRequest, article_id: int, payload: FeedbackIn
) -> Status[Any]:
    """ "Was this helpful?": once per user and article (409 ``feedback.duplicate``)."""
    feedback = services.feedback_create(
        article=_article(request, article_id),
        user=api_user(request),
        session_key="",
        helpful=payload.helpful,
        comment=payload.comment,
    )
    return Status(201, feedback)


@router.get(
    "/knowledge/suggest", response={200: SuggestOut, **ERRORS}, operation_id="knowledge_suggest"
)
def knowledge_suggest(request: HttpRequest, query: Query[SuggestQuery]) -> dict[str, Any]:
    """Published articles you may read that match ``text`` (e.g. a new ticket's title)."""
    user = api_user(request)
    found = selectors.article_suggest(user=user, text=query.text, limit=query.limit)
    return {
        "items": [
            {"id": a.pk, "title": a.title, "language": a.language, "url": article_url(user, a.pk)}
            for a in found
        ]
    }


@router.get(
    "/knowledge/categories",
    response={200: list[CategoryOut], **ERRORS},
    operation_id="knowledge_categories_list",
)
def knowledge_categories_list(request: HttpRequest) -> list[Category]:
    """All categories in tree order."""
    return selectors.categories()


@router.post(
    "/knowledge/categories",
    response={201: CategoryOut, **ERRORS},
    operation_id="knowledge_categories_create",
)
def knowledge_categories_create(request: HttpRequest, payload: CategoryIn) -> Status[Category]:
    """A new category (supervisors and admins)."""
    services.require_category_manager(api_user(request))  # before any id is looked up
    parent = pick(Category.objects.all(), payload.parent, field="parent")
    category = services.category_save(
        actor=api_user(request),
        name=payload.name,
        name_en=payload.name_en,
        parent=parent,
        position=payload.position,
    )
    return Status(201, category)


@router.patch(
    "/knowledge/categories/{category_id}",
    response={200: CategoryOut, **ERRORS},
    operation_id="knowledge_categories_update",
)
def knowledge_categories_update(
    request: HttpRequest, category_id: int, payload: CategoryPatch
) -> Category:
    """Rename, move or reorder a category (supervisors and admins)."""
    services.require_category_manager(api_user(request))  # before any id is looked up
    category = Category.objects.filter(pk=category_id).first()
    if category is None:
        raise NotFound("category.not_found", _("Category not found."))
    sent = payload.model_fields_set
    parent = category.parent
    if "parent" in sent:
        parent = pick(Category.objects.all(), payload.parent, field="parent")
    return services.category_save(
        actor=api_user(request),
        category=category,
        name=payload.name if payload.name is not None else category.name,
        name_en=payload.name_en if payload.name_en is not None else category.name_en,
        parent=parent,
        position=payload.position if payload.position is not None else category.position,
    )


@router.post(
    "/knowledge/articles/{article_id}/files",
    response={201: ArticleFileOut, **ERRORS, 413: ErrorOut},
    operation_id="knowledge_files_upload",
)
def knowledge_files_upload(
    request: HttpRequest, article_id: int, file: File[UploadedFile]
) -> Status[dict[str, Any]]:
    """Add an image or attachment (multipart ``file``) to an article you may edit.

    Too large: 413 ``attachment.too_large``; a type not allowed: 422
    ``attachment.forbidden_type``; not yours to edit: 403. Show an image in the body with
    ``![name](embed_url)``."""
    actor = api_user(request)
    article = selectors.article_get(user=actor, pk=article_id)
    return Status(201, _file(services.file_add(actor=actor, article=article, upload=file)))


@router.get(
    "/knowledge/files/{file_id}",
    response=ERRORS,
    operation_id="knowledge_files_download",
    url_name="knowledge_files_download",
    openapi_extra=file_download("The file"),
)
def knowledge_files_download(request: HttpRequest, file_id: int) -> FileResponse:
    """A file of an article you may read (404 otherwise, as for the article)."""
    item = selectors.article_file_get(user=api_user(request), pk=file_id)
    return stored_file_response(item, inline=item.is_image)
