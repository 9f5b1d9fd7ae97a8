-- The owner's job search: applications, their timeline, tailored share
-- links (/s/{token}) and the private calendar feed of follow-ups. None of
-- it is ever shown on a public page.
CREATE TABLE applications (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    owner_id        bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    company         text NOT NULL CHECK (length(company) BETWEEN 1 AND 200),
    role            text NOT NULL DEFAULT '' CHECK (length(role) <= 200),
    posting_url     text NOT NULL DEFAULT '' CHECK (length(posting_url) <= 2048),
    applied_on      date,
    status          text NOT NULL DEFAULT 'applied' CHECK (status IN
                    ('wishlist', 'applied', 'screening', 'interview', 'offer', 'accepted', 'rejected', 'withdrawn')),
    next_step       text NOT NULL DEFAULT '' CHECK (length(next_step) <= 500),
    next_step_due   date,
    -- An interview's time, when one is scheduled (a calendar event of its own).
    interview_at    timestamptz,
    -- [{"name": "", "email": "", "url": ""}], at most 10.
    contacts        jsonb NOT NULL DEFAULT '[]',
    notes           text NOT NULL DEFAULT '',
    salary_min      integer CHECK (salary_min >= 0),
    salary_max      integer CHECK (salary_max >= 0),
    salary_currency text NOT NULL DEFAULT '' CHECK (salary_currency = '' OR salary_currency ~ '^[A-Z]{3}$'),
    -- The projects relevant to this application, in the owner's order.
    project_ids     bigint[] NOT NULL DEFAULT '{}',
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    CHECK (salary_min IS NULL OR salary_max IS NULL OR salary_min <= salary_max)
);
-- The owner's list pages by id descending; the due list and the calendar
-- read by due date.
CREATE INDEX applications_owner_id_idx ON applications (owner_id, id DESC);
CREATE INDEX applications_owner_status_idx ON applications (owner_id, status, id DESC);
CREATE INDEX applications_owner_due_idx ON applications (owner_id, next_step_due) WHERE next_step_due IS NOT NULL;

-- What happened to an application, beside what analytics say about its
-- share links: created, status changes, dated notes.
CREATE TABLE application_events (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    application_id bigint NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    occurred_at    timestamptz NOT NULL DEFAULT now(),
    kind           text NOT NULL CHECK (kind IN ('created', 'status', 'note')),
    from_status    text NOT NULL DEFAULT '',
    to_status      text NOT NULL DEFAULT '',
    body           text NOT NULL DEFAULT '' CHECK (length(body) <= 20000)
);
CREATE INDEX application_events_application_idx ON application_events (application_id, occurred_at);

-- A tailored link to the portfolio for one application. The token is a
-- bearer of read access to a page the owner chose to show, like an
-- unlisted project's URL, so it is kept (the owner copies it again later);
-- revoking or expiring it makes the page a 404.
CREATE TABLE share_links (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    application_id bigint NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    owner_id       bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token          text NOT NULL UNIQUE CHECK (length(token) >= 22),
    label          text NOT NULL DEFAULT '' CHECK (length(label) <= 100),
    -- The projects to feature through this link, in order (public or
    -- unlisted ones; empty: the portfolio's own featured projects).
    project_ids    bigint[] NOT NULL DEFAULT '{}',
    note           text NOT NULL DEFAULT '' CHECK (length(note) <= 1000),
    expires_at     timestamptz,
    revoked_at     timestamptz,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX share_links_application_idx ON share_links (application_id, id);
CREATE INDEX share_links_owner_idx ON share_links (owner_id, id);

-- The private iCalendar feed of follow-ups: one per owner, by the hash of
-- its token (the URL is shown once; a new one revokes the old).
CREATE TABLE calendar_feeds (
    owner_id   bigint PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    token_hash bytea NOT NULL UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now()
);

-- Views, plays and clicks reached through a share link are attributed to
-- it (and so to its application). A deleted link keeps its events
-- counted in the owner's totals, unattributed.
ALTER TABLE analytics_events ADD COLUMN share_link_id bigint REFERENCES share_links (id) ON DELETE SET NULL;
CREATE INDEX analytics_events_share_link_idx ON analytics_events (share_link_id, occurred_at) WHERE share_link_id IS NOT NULL;
