"""Writing the knowledge base: articles and their variants, revisions, workflow, files,
feedback, view counts, categories and the suggestion clicks behind deflection counts.

Every article write saves a revision, records an audit event and emits ``article.changed``
to the outbox (the search index follows after commit).
"""

from __future__ import annotations

import hashlib
import mimetypes
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from gongdan.accounts.models import Team, User
from gongdan.audit.services import audit_record
from gongdan.core.errors import Conflict, Forbidden, ValidationFailed
from gongdan.core.events import emit
from gongdan.customers.models import Organization
from gongdan.knowledge import policies, rendering
from gongdan.knowledge.choices import ArticleLanguage, ArticleStatus, Visibility
from gongdan.knowledge.models import (
    Article,
    ArticleFeedback,
    ArticleFile,
    ArticleGroup,
    ArticleRevision,
    Category,
    SuggestionOpen,
    Tag,
)
from gongdan.tickets.models import Ticket
from gongdan.tickets.services.attachments import validate_upload

TITLE_MAX = 200
BODY_MAX = 100_000
TAG_MAX = 50


@dataclass
class ArticleData:
    """The editable fields of an article (the services validate them)."""

    title: str
    body: str = ""
    category: Category | None = None
    tags: Sequence[str] = ()
    visibility: str = Visibility.INTERNAL
    organizations: Sequence[Organization] = ()
    team: Team | None = None
    review_by: date | None = None


def _clean(data: ArticleData) -> ArticleData:
    """Trimmed values; raises ``ValidationFailed`` with per-field messages."""
    errors: dict[str, str] = {}
    data.title = " ".join((data.title or "").split())
    data.body = (data.body or "").replace("\r\n", "\n").strip()
    if not data.title:
        errors["title"] = _("Give the article a title.")
    elif len(data.title) > TITLE_MAX:
        errors["title"] = _("Use at most %(max)d characters.") % {"max": TITLE_MAX}
    if len(data.body) > BODY_MAX:
        errors["body"] = _("Use at most %(max)d characters.") % {"max": BODY_MAX}
    if data.visibility not in Visibility.values:
        errors["visibility"] = _("Choose a visibility.")
    elif data.visibility == Visibility.ORGANIZATIONS and not data.organizations:
        errors["organizations"] = _("List at least one organization that may read it.")
    tags = list(dict.fromkeys(" ".join(t.split()) for t in data.tags if t and t.strip()))
    if any(len(t) > TAG_MAX for t in tags):
        errors["tags"] = _("A tag has at most %(max)d characters.") % {"max": TAG_MAX}
    data.tags = tags
    if errors:
        raise ValidationFailed("article.invalid", next(iter(errors.values())), fields=errors)
    return data


def _check_team(actor: User, team: Team | None) -> None:
    if (
        team is not None
        and not policies.is_reviewer(actor)
        and team.pk not in policies.team_ids(actor)
    ):
        message = _("You can only file articles under your own teams.")
        raise ValidationFailed("article.foreign_team", message, fields={"team": message})


def _write_relations(article: Article, data: ArticleData) -> None:
    tags = [Tag.objects.get_or_create(name=name)[0] for name in data.tags]
    article.tags.set(tags)
    orgs = data.organizations if data.visibility == Visibility.ORGANIZATIONS else []
    article.organizations.set(list(orgs))


def _revision(article: Article, actor: User | None, note: str) -> None:
    ArticleRevision.objects.create(
        article=article,
        number=article.version,
        title=article.title,
        body=article.body,
        author=actor,
        note=note[:200],
        created_at=article.updated_at,
    )


def _changed(article: Article, actor: User | None, action: str, **data: Any) -> None:
    audit_record(actor=actor, action=action, obj=article, data={"version": article.version, **data})
    emit(
        "article.changed",
        article=article.pk,
        action=action,
        actor=actor.pk if actor else None,
        **data,
    )


# Permission checks come before anything that looks up ids sent by the caller (entry points
# call them first): otherwise a 422 "unknown id" against a 403 tells a customer which ids exist.
def require_author(actor: User) -> None:
    if not policies.may_create(actor):
        raise Forbidden("permission.staff_only", _("Only service staff may write articles."))


def require_editor(actor: User, article: Article) -> None:
    if not policies.may_edit(actor, article):
        raise Forbidden("permission.denied", _("You may not edit this article."))


def require_category_manager(actor: User) -> None:
    if not policies.may_manage_categories(actor):
        raise Forbidden("permission.denied", _("Only supervisors and admins manage categories."))


def article_create(
    *,
    actor: User,
    data: ArticleData,
    language: str = ArticleLanguage.ZH_HANS,
    variant_of: Article | None = None,
    source_ticket: Ticket | None = None,
) -> Article:
    """A new draft (revision 1). With ``variant_of``, the same article in another language:
    it joins that article's group (one variant per language, else 409). Fields are taken from
    ``data`` only (the workspace's translation form prefills them from the original). An
    agent's article without a team goes to the agent's first team."""
    require_author(actor)
    if language not in ArticleLanguage.values:
        message = _("Choose a language.")
        raise ValidationFailed("article.invalid", message, fields={"language": message})
    data = _clean(data)
    if data.team is None and not policies.is_reviewer(actor):
        data.team = actor.teams.order_by("id").first()
    _check_team(actor, data.team)
    with transaction.atomic():
        group = variant_of.group if variant_of is not None else ArticleGroup.objects.create()
        if Article.objects.filter(group=group, language=language).exists():
            message = _("This article already has a variant in this language.")
            raise Conflict("article.variant_exists", message, fields={"language": message})
        now = timezone.now()
        article = Article.objects.create(
            group=group,
            language=language,
            title=data.title,
            body=data.body,
            body_html=rendering.render(data.body),
            category=data.category,
            visibility=data.visibility,
            team=data.team,
            author=actor,
            source_ticket=source_ticket,
            review_by=data.review_by,
            created_at=now,
            updated_at=now,
        )
        _write_relations(article, data)
        _revision(article, actor, _("Created"))
        _changed(article, actor, "article.created", language=language)
    return article


def article_update(
    *, actor: User, article: Article, data: ArticleData, note: str = "", version: int | None = None
) -> Article:
    """Save new content as the next revision. ``version`` (if given) must be the current one,
    else 409: someone saved in between. A published article stays published."""
    require_editor(actor, article)
    data = _clean(data)
    _check_team(actor, data.team)
    with transaction.atomic():
        locked = Article.objects.select_for_update().get(pk=article.pk)
        if version is not None and version != locked.version:
            raise Conflict(
                "article.stale",
                _("Someone saved this article meanwhile (version %(v)d). Reload and try again.")
                % {"v": locked.version},
            )
        locked.title, locked.body = data.title, data.body
        locked.body_html = rendering.render(data.body)
        locked.category, locked.visibility = data.category, data.visibility
        locked.team, locked.review_by = data.team, data.review_by
        locked.version += 1
        locked.updated_at = timezone.now()
        locked.save()
        _write_relations(locked, data)
        _revision(locked, actor, note)
        _changed(locked, actor, "article.updated")
    return locked


def article_transition(*, actor: User, article: Article, to: str) -> Article:
    """Move along the workflow (draft → review → published → archived; see ``policies``).

    An unknown or unreachable state is 422 ``article.illegal_transition``; a move the actor may
    not make is 403. Publishing stamps ``published_at`` the first time.
    """
    if (article.status, to) not in policies.TRANSITIONS:
        message = _("An article cannot move from “%(from)s” to “%(to)s”.") % {
            "from": ArticleStatus(article.status).label,
            "to": ArticleStatus(to).label if to in ArticleStatus.values else to,
        }
        raise ValidationFailed("article.illegal_transition", message, fields={"to": message})
    if not policies.may_transition(actor, article, to):
        raise Forbidden("permission.denied", _("You may not make this change to the article."))
    with transaction.atomic():
        before = article.status
        updated = Article.objects.filter(pk=article.pk, status=article.status)
        changes: dict[str, Any] = {"status": to, "updated_at": timezone.now()}
        if to == ArticleStatus.PUBLISHED and article.published_at is None:
            changes["published_at"] = changes["updated_at"]
        if not updated.update(**changes):
            raise Conflict("article.stale", _("The article changed meanwhile. Reload it."))
        for key, value in changes.items():
            setattr(article, key, value)
        _changed(article, actor, "article.status_changed", to=to, before=before)
    return article


def article_restore(*, actor: User, article: Article, number: int) -> Article:
    """Bring back the title and body of revision ``number`` as a new revision."""
    revision = ArticleRevision.objects.filter(article=article, number=number).first()
    if revision is None:
        message = _("This article has no revision %(n)d.") % {"n": number}
        raise ValidationFailed("article.unknown_revision", message, fields={"revision": message})
    data = ArticleData(
        title=revision.title,
        body=revision.body,
        category=article.category,
        tags=[t.name for t in article.tags.all()],
        visibility=article.visibility,
        organizations=list(article.organizations.all()),
        team=article.team,
        review_by=article.review_by,
    )
    note = _("Restored revision %(n)d") % {"n": number}
    return article_update(actor=actor, article=article, data=data, note=note)


def article_viewed(*, article: Article) -> None:
    """Count one view: a single ``UPDATE … SET view_count = view_count + 1``."""
    Article.objects.filter(pk=article.pk).update(view_count=F("view_count") + 1)


def feedback_create(
    *, article: Article, user: User | None, session_key: str, helpful: bool, comment: str = ""
) -> ArticleFeedback:
    """Record one "was this helpful?" answer; a second one from the same reader is 409."""
    comment = (comment or "").strip()
    if len(comment) > 1000:
        message = _("Use at most %(max)d characters.") % {"max": 1000}
        raise ValidationFailed("feedback.invalid", message, fields={"comment": message})
    signed_in = user is not None and user.is_authenticated
    if not signed_in and not session_key:
        raise ValidationFailed("feedback.no_session", _("Enable cookies to rate articles."))
    try:
        with transaction.atomic():
            return ArticleFeedback.objects.create(
                article=article,
                user=user if signed_in else None,
                session_key="" if signed_in else session_key,
                helpful=helpful,
                comment=comment,
            )
    except IntegrityError:
        raise Conflict(
            "feedback.duplicate", _("You have already rated this article. Thank you!")
        ) from None


def file_add(*, actor: User, article: Article, upload: UploadedFile) -> ArticleFile:
    """Store an image or attachment of the article (same limits as ticket attachments)."""
    require_editor(actor, article)
    name = validate_upload(upload)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    item = ArticleFile(
        article=article,
        name=name,
        size=upload.size or 0,
        content_type=mimetypes.guess_type(name)[0] or "application/octet-stream",
        sha256=digest.hexdigest(),
        uploaded_by=actor,
    )
    with transaction.atomic():
        item.file.save(name, upload, save=False)
        item.save()
        audit_record(actor=actor, action="article.file_added", obj=article, data={"file": name})
    return item


def category_save(
    *,
    actor: User,
    category: Category | None = None,
    name: str,
    name_en: str = "",
    parent: Category | None = None,
    position: int = 0,
) -> Category:
    """Create (``category`` None) or update a category; supervisors and admins only."""
    require_category_manager(actor)
    name, name_en = " ".join((name or "").split()), " ".join((name_en or "").split())
    if not name or len(name) > 100 or len(name_en) > 100:
        message = _("Give the category a name of at most 100 characters.")
        raise ValidationFailed("category.invalid", message, fields={"name": message})
    node = parent
    while category is not None and node is not None:
        if node.pk == category.pk:
            message = _("A category cannot be inside itself.")
            raise ValidationFailed("category.cycle", message, fields={"parent": message})
        node = node.parent
    category = category or Category()
    category.name, category.name_en = name, name_en
    category.parent, category.position = parent, max(0, position)
    with transaction.atomic():
        category.save()
        audit_record(actor=actor, action="knowledge.category_saved", obj=category)
        # Its articles' search documents carry the category's names.
        emit("knowledge.category_saved", category=category.pk)
    return category


def suggestion_opened(*, article: Article, user: User | None, session_key: str) -> None:
    """A suggested article was opened from the new-ticket form (once per session)."""
    if not session_key:
        return
    SuggestionOpen.objects.get_or_create(
        article=article,
        session_key=session_key,
        defaults={"user": user if user is not None and user.is_authenticated else None},
    )


def suggestions_followed_by_ticket(*, session_key: str) -> int:
    """The session submitted a ticket: its opened suggestions did not deflect it."""
    if not session_key:
        return 0
    return SuggestionOpen.objects.filter(session_key=session_key, ticket_submitted=False).update(
        ticket_submitted=True
    )


def tags_parse(text: str) -> list[str]:
    """``"VPN, 网络，outlook"`` → the tags (commas, Chinese commas or semicolons)."""
    for sep in "，;；":
        text = text.replace(sep, ",")
    return [t.strip() for t in text.split(",") if t.strip()]


def organizations_of(ids: Iterable[int]) -> list[Organization]:
    return list(Organization.objects.filter(pk__in=list(ids)))
