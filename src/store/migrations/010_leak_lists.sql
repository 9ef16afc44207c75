-- The dashboard's and the CLI's leak lists, most urgent first, read in index
-- order a page at a time instead of sorting every leak of the organisation:
-- the expression is listLeaks's urgency order, character for character.
CREATE INDEX leaks_urgency ON leaks (org_id, (CASE severity WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2 ELSE 3 END), last_seen DESC, id);
-- Counts by severity and platform read the index alone.
CREATE INDEX leaks_counts ON leaks (org_id, severity, platform, status);
