"""After-sales: who serves which customer, follow-up records (售后跟进记录表, template 7) and
the revisits scheduled for them, complaints (客户投诉) with their deadlines, satisfaction
scores, and the opportunities after-sales work proposes."""

from .assignment import AftersalesAssignment, RegionAssignment
from .complaint import Complaint, ComplaintStatusChange, SeverityDeadline
from .record import AftersalesRecord, CrossSell, Revisit, Satisfaction

__all__ = [
    "AftersalesAssignment",
    "AftersalesRecord",
    "Complaint",
    "ComplaintStatusChange",
    "CrossSell",
    "RegionAssignment",
    "Revisit",
    "Satisfaction",
    "SeverityDeadline",
]
