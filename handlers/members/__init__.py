"""/members: the school office's view of its people (teachers and their pairs, grade leaders,
families per class, who has not joined yet) and what it may change there."""
