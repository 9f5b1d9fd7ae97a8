package postgres

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/foliohq/folio/internal/folio"
)

type userRow struct {
	bun.BaseModel `bun:"table:users"`

	ID           int64         `bun:"id,pk,autoincrement"`
	Email        string        `bun:"email"`
	PasswordHash string        `bun:"password_hash"`
	Handle       string        `bun:"handle"`
	DisplayName  string        `bun:"display_name"`
	Headline     string        `bun:"headline"`
	Bio          string        `bun:"bio"`
	Location     string        `bun:"location"`
	WebsiteURL   string        `bun:"website_url"`
	GitHubURL    string        `bun:"github_url"`
	LinkedInURL  string        `bun:"linkedin_url"`
	ShowEmail    bool          `bun:"show_email"`
	AvatarID     sql.NullInt64 `bun:"avatar_media_id"`
	IsAdmin      bool          `bun:"is_admin"`
	// Set by the verification flow only; zero inserts as NULL, and updates
	// name their columns.
	EmailVerifiedAt time.Time `bun:"email_verified_at,nullzero"`
	SuspendedAt     time.Time `bun:"suspended_at,nullzero"`
	// Maintained by triggers: inserted as DEFAULT, never in an update list.
	ContentVersion int64     `bun:"content_version,nullzero,default:0"`
	CreatedAt      time.Time `bun:"created_at,nullzero,default:now()"`
	UpdatedAt      time.Time `bun:"updated_at,nullzero,default:now()"`
	// Written by the card worker (postgres/cardstore) alone.
	CardsFor string `bun:"cards_for,scanonly"`
	// Look is read with the user (lookColumn), never written here.
	Look *folio.Look `bun:"look,type:jsonb,scanonly"`
}

// lookColumn reads the appearance of the user aliased u, NULL for none.
const lookColumn = `(SELECT jsonb_build_object('theme', pa.theme, 'color_mode', pa.color_mode, 'accent', pa.accent,
	'font', pa.font, 'language', pa.language, 'custom_css', pa.custom_css <> '')
	FROM portfolio_appearance pa WHERE pa.owner_id = u.id) AS look`

func (r *userRow) user() *folio.User {
	return &folio.User{
		ID: r.ID, Email: r.Email, PasswordHash: r.PasswordHash, IsAdmin: r.IsAdmin, ContentVersion: r.ContentVersion,
		CardsFor: r.CardsFor, EmailVerifiedAt: r.EmailVerifiedAt, SuspendedAt: r.SuspendedAt,
		Profile: folio.Profile{
			Handle: r.Handle, DisplayName: r.DisplayName, Headline: r.Headline, Bio: r.Bio,
			Location: r.Location, WebsiteURL: r.WebsiteURL, GitHubURL: r.GitHubURL,
			LinkedInURL: r.LinkedInURL, ShowEmail: r.ShowEmail, AvatarMediaID: r.AvatarID.Int64,
		},
		CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt, Look: deref(r.Look),
	}
}

func deref[T any](p *T) (v T) {
	if p != nil {
		v = *p
	}
	return v
}

func userRowOf(u *folio.User) *userRow {
	return &userRow{
		ID: u.ID, Email: u.Email, PasswordHash: u.PasswordHash, IsAdmin: u.IsAdmin,
		Handle: u.Handle, DisplayName: u.DisplayName, Headline: u.Headline, Bio: u.Bio,
		Location: u.Location, WebsiteURL: u.WebsiteURL, GitHubURL: u.GitHubURL,
		LinkedInURL: u.LinkedInURL, ShowEmail: u.ShowEmail, EmailVerifiedAt: u.EmailVerifiedAt,
		AvatarID: sql.NullInt64{Int64: u.AvatarMediaID, Valid: u.AvatarMediaID != 0},
	}
}

// UserService implements folio.UserService.
type UserService struct{ db *bun.DB }

// NewUserService returns a UserService on db.
func NewUserService(db *bun.DB) *UserService { return &UserService{db: db} }

var _ folio.UserService = (*UserService)(nil)

func userConflict(err error) error {
	switch name, _ := uniqueViolation(err); name {
	case "users_email_key":
		return conflict("email", "An account with this email already exists.")
	case "users_handle_key":
		return conflict("handle", "This handle is taken.")
	}
	return err
}

// CreateUser implements folio.UserService.
func (s *UserService) CreateUser(ctx context.Context, u *folio.User) error {
	row := userRowOf(u)
	// The first account of an installation administers it: the trigger
	// users_first_admin decides, one only however many sign up at once.
	_, err := s.db.NewInsert().Model(row).Returning("*").Exec(ctx)
	if err != nil {
		return fmt.Errorf("postgres: create user: %w", userConflict(err))
	}
	*u = *row.user()
	return nil
}

// userWhere returns the user matching where; by names the lookup in errors.
func (s *UserService) userWhere(ctx context.Context, by string, where string, arg any) (*folio.User, error) {
	row := new(userRow)
	if err := s.db.NewSelect().Model(row).ModelTableExpr("users AS u").ColumnExpr("u.*").ColumnExpr(lookColumn).Where(where, arg).Scan(ctx); err != nil {
		return nil, fmt.Errorf("postgres: user by %s: %w", by, notFound(err, msgUserNotFound))
	}
	return row.user(), nil
}

// UserByID implements folio.UserService.
func (s *UserService) UserByID(ctx context.Context, id int64) (*folio.User, error) {
	return s.userWhere(ctx, "id", "id = ?", id)
}

// UserByEmail implements folio.UserService.
func (s *UserService) UserByEmail(ctx context.Context, email string) (*folio.User, error) {
	return s.userWhere(ctx, "email", "lower(email) = lower(?)", email)
}

// UserByHandle implements folio.UserService; a suspended account has no
// public handle.
func (s *UserService) UserByHandle(ctx context.Context, handle string) (*folio.User, error) {
	return s.userWhere(ctx, "handle", "lower(handle) = lower(?) AND suspended_at IS NULL", handle)
}

// UpdateProfile implements folio.UserService.
func (s *UserService) UpdateProfile(ctx context.Context, userID int64, upd folio.ProfileUpdate) (*folio.User, error) {
	if err := upd.Validate(); err != nil {
		return nil, err
	}
	var out *folio.User
	err := s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		row := new(userRow)
		if err := tx.NewSelect().Model(row).Where("id = ?", userID).For("UPDATE").Scan(ctx); err != nil {
			return notFound(err, msgUserNotFound)
		}
		u := row.user()
		upd.Apply(&u.Profile)
		next := userRowOf(u)
		next.UpdatedAt = time.Now()
		if _, err := tx.NewUpdate().Model(next).
			Column("handle", "display_name", "headline", "bio", "location", "website_url", "github_url", "linkedin_url", "show_email", "updated_at").
			WherePK().Returning("*").Exec(ctx); err != nil {
			return userConflict(err)
		}
		out = next.user()
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: update profile: %w", err)
	}
	return out, nil
}

// SetPasswordHash implements folio.UserService. Open links of the account
// (a pending email change, a reset) stop working: whoever changes the
// password after a stolen one was used cancels what the thief started.
func (s *UserService) SetPasswordHash(ctx context.Context, userID int64, hash string) error {
	err := s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		res, err := tx.NewUpdate().Table("users").Set("password_hash = ?", hash).Where("id = ?", userID).Exec(ctx)
		if err := notFound(oneRow(res, err), msgUserNotFound); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE account_tokens SET used_at = now() WHERE user_id = ? AND used_at IS NULL AND purpose <> 'verify_email'`, userID)
		return err
	})
	if err != nil {
		return fmt.Errorf("postgres: set password hash: %w", err)
	}
	return nil
}

// SetAdmin implements folio.UserService.
func (s *UserService) SetAdmin(ctx context.Context, email string, admin bool) error {
	res, err := s.db.NewUpdate().Table("users").Set("is_admin = ?, updated_at = now()", admin).Where("lower(email) = lower(?)", email).Exec(ctx)
	if err := notFound(oneRow(res, err), fmt.Sprintf("No account has the email %q.", email)); err != nil {
		return fmt.Errorf("postgres: set admin: %w", err)
	}
	return nil
}
