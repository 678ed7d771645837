-- Requirements that use training and qualifications (issue 15 item 3). Certification now rests on who
-- holds which qualification and who attended what, so those records are sealed like the decisions
-- themselves: the seal triggers and the sealing of the rows already there are made by the Python step
-- of this migration (app.seal.seal_later_tables, generated from app.seal.SEALED).

