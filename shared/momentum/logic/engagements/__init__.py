"""Engagement templates and coaching engagements (SPEC §7).

Who may see an engagement: owners and global admins; location admins of its location; its
owner and its coach; anyone with access to the coachee's client record (staff assigned to
the coachee, location admins of the coachee's location); and the coachee themself (client
token: their own engagements only, other ids answer 404). Of those, only the ones
`domain.access.may_see_engagement_progress` names see the On/Off track column; everyone
else sees `not_tracking` and no `off_track_since`.

Who may change one: owners and global admins, location admins of its location, and its
owner. Who may create one: owners, global admins, and location admins (for their
locations). Templates: owners and admins manage them; staff and location admins read them;
client tokens get 403.

Progress is computed on every read from the stored summary and today, so it is current
without waiting for the nightly run. Every write that changes status, coach or anything
the due date depends on recomputes the due date (`logic.tracking.refresh_engagement`) and
records its status transitions (`logic.history`) in the same transaction.

The use cases live in this package's modules: `templates`, `visibility` (who sees and
changes what; reading one), `changes` (setting up and changing), `lists` and `views`.
Their public names are re-exported here, the module the routes and reports import."""

from momentum.logic.engagements.changes import Transition, create_engagement, update_engagement
from momentum.logic.engagements.common import ENGAGEMENT, today_for
from momentum.logic.engagements.lists import (
    READ_BUDGET,
    Position,
    list_engagements,
    position_dict,
    position_of,
    scan_visible,
)
from momentum.logic.engagements.templates import (
    create_template,
    get_template,
    list_templates,
    template_view,
    update_template,
)
from momentum.logic.engagements.views import (
    Seen,
    engagement_view,
    seen_by,
    view_for,
    visible_history,
)
from momentum.logic.engagements.visibility import get_engagement, may_change, may_see
from momentum.store.engagements import EngagementRecord

__all__ = [
    "ENGAGEMENT",
    "READ_BUDGET",
    "EngagementRecord",
    "Position",
    "Seen",
    "Transition",
    "create_engagement",
    "create_template",
    "engagement_view",
    "get_engagement",
    "get_template",
    "list_engagements",
    "list_templates",
    "may_change",
    "may_see",
    "position_dict",
    "position_of",
    "scan_visible",
    "seen_by",
    "template_view",
    "today_for",
    "update_engagement",
    "update_template",
    "view_for",
    "visible_history",
]
