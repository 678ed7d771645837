-- After a revocation the same level needs an explicit decision: when revoking, the officer may set
-- the day from which the person can be certified at that level again; otherwise a new certification
-- at that level is made only with a reason that overrides the revocation, kept with the decision.
ALTER TABLE certifications ADD COLUMN reeligible_from TEXT;   -- NULL: only with an override
ALTER TABLE certifications ADD COLUMN override_reason TEXT NOT NULL DEFAULT '';
