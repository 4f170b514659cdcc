"""Who may read, write, review and publish knowledge-base articles.

- Staff (agents, supervisors, admins) read every article in any state.
- Customers read published articles that are public, or that list their organization.
- Visitors who are not signed in read published public articles (the portal's knowledge
  base pages are open to them); inactive accounts read nothing.
- Agents draft articles and edit those of their teams (or, without a team, their own) while
  they are drafts or in review — a published text changes only through a reviewer (or after a
  reviewer moved it back to draft); supervisors and admins edit everything and alone publish,
  unpublish and archive.
"""

from __future__ import annotations

from django.db.models import Q

from gongdan.accounts.choices import MANAGER_ROLES
from gongdan.accounts.models import Membership, User
from gongdan.accounts.policies import has_role, is_staff_user
from gongdan.customers.selectors import contact_for
from gongdan.knowledge.choices import ArticleStatus, Visibility
from gongdan.knowledge.models import Article

REVIEWERS = MANAGER_ROLES

# (from, to) → only reviewers may make the move (True) or every editor (False).
TRANSITIONS: dict[tuple[str, str], bool] = {
    (ArticleStatus.DRAFT, ArticleStatus.REVIEW): False,
    (ArticleStatus.REVIEW, ArticleStatus.DRAFT): False,
    (ArticleStatus.REVIEW, ArticleStatus.PUBLISHED): True,
    (ArticleStatus.DRAFT, ArticleStatus.PUBLISHED): True,
    (ArticleStatus.PUBLISHED, ArticleStatus.DRAFT): True,
    (ArticleStatus.PUBLISHED, ArticleStatus.ARCHIVED): True,
    (ArticleStatus.DRAFT, ArticleStatus.ARCHIVED): True,
    (ArticleStatus.ARCHIVED, ArticleStatus.DRAFT): False,
}


def article_visibility(user: User) -> Q:
    """The rows of ``Article`` that ``user`` may read, as a filter for every query."""
    if is_staff_user(user):
        return Q()
    published = Q(status=ArticleStatus.PUBLISHED)
    if not user.is_authenticated:
        return published & Q(visibility=Visibility.PUBLIC)
    if not user.is_active:
        return Q(pk__in=[])
    contact = contact_for(user)
    if contact is not None and contact.organization_id:
        return published & (
            Q(visibility=Visibility.PUBLIC)
            | Q(
                visibility=Visibility.ORGANIZATIONS,
                pk__in=Article.organizations.through.objects.filter(
                    organization_id=contact.organization_id
                ).values("article_id"),
            )
        )
    return published & Q(visibility=Visibility.PUBLIC)


def is_reviewer(user: User) -> bool:
    return bool(is_staff_user(user) and has_role(user, *REVIEWERS))


def may_create(user: User) -> bool:
    return is_staff_user(user)


def team_ids(user: User) -> set[int]:
    return set(Membership.objects.filter(user=user).values_list("team_id", flat=True))


EDITABLE_BY_AGENTS = frozenset({ArticleStatus.DRAFT, ArticleStatus.REVIEW})


def may_edit(user: User, article: Article) -> bool:
    """Reviewers edit anything; agents the drafts (and articles in review) of their teams, or
    their own team-less ones."""
    if not is_staff_user(user):
        return False
    if is_reviewer(user):
        return True
    if article.status not in EDITABLE_BY_AGENTS:
        return False
    if article.team_id is not None:
        return article.team_id in team_ids(user)
    return article.author_id == user.pk


def may_transition(user: User, article: Article, to: str) -> bool:
    needs_reviewer = TRANSITIONS.get((article.status, to))
    if needs_reviewer is None:
        return False
    if needs_reviewer:
        return is_reviewer(user)
    if article.status == ArticleStatus.ARCHIVED:  # back to draft: the team's agents may
        return is_reviewer(user) or _on_team(user, article)
    return may_edit(user, article)


def _on_team(user: User, article: Article) -> bool:
    if not is_staff_user(user):
        return False
    if article.team_id is not None:
        return article.team_id in team_ids(user)
    return article.author_id == user.pk


def targets(user: User, article: Article) -> list[str]:
    """The states ``user`` may move ``article`` to now."""
    return [
        to
        for (frm, to) in TRANSITIONS
        if frm == article.status and may_transition(user, article, to)
    ]


def may_manage_categories(user: User) -> bool:
    return is_reviewer(user)
