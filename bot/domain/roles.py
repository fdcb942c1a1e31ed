"""What a person may do, derived from their memberships and children (pure)."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


class Role(enum.StrEnum):
    """Roles held through memberships (owners come from config; parents from child links)."""

    SUPERVISOR = "supervisor"
    SCHOOL_ADMIN = "school_admin"
    GRADE_LEADER = "grade_leader"
    TEACHER = "teacher"
    COMPLAINT_HANDLER = "complaint_handler"


class InviteRole(enum.StrEnum):
    SUPERVISOR = "supervisor"
    SCHOOL_ADMIN = "school_admin"
    GRADE_LEADER = "grade_leader"
    TEACHER = "teacher"
    COMPLAINT_HANDLER = "complaint_handler"
    PARENT = "parent"


class Capability(enum.StrEnum):
    """Menu-level abilities; each maps to commands in `bot.menus`."""

    OWNER = "owner"
    SUPERVISOR = "supervisor"
    SCHOOL_ADMIN = "school_admin"
    COMPLAINT_HANDLER = "complaint_handler"
    GRADE_LEADER = "grade_leader"
    TEACHER = "teacher"
    PARENT = "parent"


@dataclass(frozen=True)
class Roles:
    """A user's roles with their scopes."""

    owner: bool = False
    supervisor_districts: frozenset[int] = field(default_factory=frozenset)
    admin_schools: frozenset[int] = field(default_factory=frozenset)
    handler_schools: frozenset[int] = field(default_factory=frozenset)
    grade_leader: frozenset[tuple[int, int]] = field(default_factory=frozenset)  # (school, grade)
    teacher_schools: frozenset[int] = field(default_factory=frozenset)
    child_ids: frozenset[int] = field(default_factory=frozenset)

    @property
    def capabilities(self) -> list[Capability]:
        """Capabilities in a stable order (most powerful first)."""
        held = {
            Capability.OWNER: self.owner,
            Capability.SUPERVISOR: bool(self.supervisor_districts),
            Capability.SCHOOL_ADMIN: bool(self.admin_schools),
            Capability.COMPLAINT_HANDLER: bool(self.handler_schools),
            Capability.GRADE_LEADER: bool(self.grade_leader),
            Capability.TEACHER: bool(self.teacher_schools),
            Capability.PARENT: bool(self.child_ids),
        }
        return [cap for cap, has in held.items() if has]

    @property
    def is_staff(self) -> bool:
        return bool(
            self.owner
            or self.supervisor_districts
            or self.admin_schools
            or self.handler_schools
            or self.grade_leader
            or self.teacher_schools
        )

    @property
    def sees_dashboard(self) -> bool:
        """District supervisors, school offices, grade leaders and complaint handlers (the
        board) open the dashboard; teachers and parents have the chat."""
        return bool(
            self.supervisor_districts
            or self.admin_schools
            or self.grade_leader
            or self.handler_schools
        )

    def administers(self, school_id: int) -> bool:
        return school_id in self.admin_schools

    def leads_grade(self, school_id: int, grade: int) -> bool:
        return (school_id, grade) in self.grade_leader
