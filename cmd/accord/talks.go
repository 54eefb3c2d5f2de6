package main

import (
	"errors"
	"fmt"
	"maps"
	"strings"

	"github.com/spf13/cobra"

	"github.com/accordverify/accord/internal/app"
	"github.com/accordverify/accord/internal/progress"
	"github.com/accordverify/accord/internal/report"
	"github.com/accordverify/accord/internal/talks"
)

func newTalksCmd() *cobra.Command {
	return group("talks", "Mediated talks: evaluate proposals and explore the zone of agreement offline, or take part in a room on a server",
		`talks works on a room file (format accord.talks.room/v1): the mediator's
view of a room, with the issue space, the parties and every party's red
lines. It evaluates proposals with the versioned model (breakout days at the
most a proposal permits, with its band; significant quantities permitted;
reductions from the state reported at the baseline date), answers feasibility as each recipient
would see it, explores the zone of agreement, and prints and verifies the
commitments of red lines.

On a server (accord serve, accord demo), a room is shared: the mediator
opens it (open), each party submits its own red lines with a signed
commitment that goes into the evidence log (red-lines), the mediator puts
proposals (propose), each participant asks for feasibility and learns what
its role allows (feasibility), the mediator explores the zone (zone
--server), records the negotiating text (text), and each party confirms it
with its signature over the text's hash, logged (confirm). Every command
that acts on a server takes --server, --key (your registered key) and
--room (the room's id).`,
		newTalksEvaluateCmd(), newTalksZoneCmd(), newTalksCommitCmd(),
		newTalksOpenCmd(), newTalksRedLinesCmd(), newTalksShowCmd(), newTalksProposeCmd(), newTalksFeasibilityCmd(), newTalksTextCmd(), newTalksConfirmCmd(), newTalksReleaseCmd(), newTalksNoteCmd(),
		newTalksSendCmd(), newTalksRelayCmd(), newTalksInboxCmd())
}

// talksFlags are the flags every talks command shares.
type talksFlags struct {
	room, asOf string
	asJSON     bool
}

func (f *talksFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.room, "room", "", "the room file (required), or a built-in room: muscat-2025, muscat-2025-no-zone, muscat-2025-verification")
	cmd.Flags().StringVar(&f.asOf, "baseline", "2025-02-08", "the date of the reported state reductions are counted from")
	cmd.Flags().BoolVar(&f.asJSON, "json", false, "print JSON")
}

func (f *talksFlags) load() (*talks.Spec, *talks.Room, error) {
	if f.room == "" {
		return nil, nil, usageError{errors.New("--room FILE is required")}
	}
	spec, room, err := app.LoadRoom(f.room)
	if err != nil {
		return nil, nil, namedInputError("room", err)
	}
	date, err := asOfFlag("baseline", f.asOf)
	if err != nil {
		return nil, nil, err
	}
	room.Model = app.PublicModel(date)
	return spec, room, nil
}

// roomFileCmd completes cmd as a command on a room file: it registers the
// talks flags and runs run with them and the room loaded.
func roomFileCmd(cmd *cobra.Command, run func(cmd *cobra.Command, f *talksFlags, spec *talks.Spec, room *talks.Room) error) *cobra.Command {
	var f talksFlags
	f.register(cmd)
	cmd.Args = cobra.NoArgs
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		spec, room, err := f.load()
		if err != nil {
			return err
		}
		return run(cmd, &f, spec, room)
	}
	return cmd
}

// parseSets reads --set TERM=VALUE into a package.
func parseSets(sets []string) (talks.Package, error) {
	p, err := talks.ParseTerms(sets)
	if err != nil {
		return nil, usageError{fmt.Errorf("--set %w", err)}
	}
	return p, nil
}

func newTalksEvaluateCmd() *cobra.Command {
	var (
		proposal string
		sets     []string
	)
	cmd := roomFileCmd(&cobra.Command{
		Use:   "evaluate --room FILE (--proposal NAME | --set TERM=VALUE ...)",
		Short: "A proposal's metrics and the feasibility answer each recipient would get",
		Example: `  accord talks evaluate --room muscat-2025 --proposal jcpoa-limits
  accord talks evaluate --room muscat-2025 --proposal leaner --set stockpile_cap_kg_u=0 --json
  accord talks evaluate --room muscat-2025-verification --proposal advanced-machines-safeguards-only`,
	}, func(cmd *cobra.Command, f *talksFlags, spec *talks.Spec, room *talks.Room) error {
		values := talks.Package{}
		if proposal != "" {
			p, ok := spec.Proposals[proposal]
			if !ok {
				return usageError{fmt.Errorf("--proposal: no proposal %q in the room file", proposal)}
			}
			maps.Copy(values, p)
		}
		extra, err := parseSets(sets)
		if err != nil {
			return err
		}
		maps.Copy(values, extra)
		values, ev, reports, err := app.EvaluateProposal(room, values)
		if err != nil {
			return err
		}
		if f.asJSON {
			return writeJSON(cmd.OutOrStdout(), map[string]any{"room": room.ID, "values": values, "evaluation": ev, "reports": reports})
		}
		return report.TextEvaluation(cmd.OutOrStdout(), room.Title, ev, reports)
	})
	cmd.Flags().StringVar(&proposal, "proposal", "", "a proposal of the room file, by name")
	cmd.Flags().StringArrayVar(&sets, "set", nil, "TERM=VALUE: set or override a term (a number, a word, or phases separated by commas)")
	return cmd
}

func newTalksZoneCmd() *cobra.Command {
	var (
		f      talksFlags
		online clientFlags
		sets   []string
	)
	cmd := &cobra.Command{
		Use:   "zone --room FILE [--set TERM=VALUE ...]",
		Short: "Search the issue space for packages that meet every red line (the mediator's explorer)",
		Example: `  accord talks zone --room muscat-2025 --set relief=iaea-verification,un-relief,us-relief
  accord talks zone --server http://127.0.0.1:8080 --key oman.key --room muscat-2025 --set relief=iaea-verification,un-relief,us-relief
  accord talks zone --room muscat-2025-no-zone --set relief=iaea-verification,un-relief,us-relief`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			fixed, err := parseSets(sets)
			if err != nil {
				return err
			}
			title := f.room
			var z *talks.Zone
			if online.server != "" {
				online.room = f.room
				room, err := online.open(cmd.Context())
				if err != nil {
					return err
				}
				stop := progress.Spin(cmd.ErrOrStderr(), "exploring the zone of agreement on the server")
				z, err = room.Zone(cmd.Context(), fixed)
				stop()
				if err != nil {
					return err
				}
			} else {
				_, room, err := f.load()
				if err != nil {
					return err
				}
				title = room.Title
				stop := progress.Spin(cmd.ErrOrStderr(), "exploring the zone of agreement")
				z, err = room.ExploreZone(room.Mediator, fixed)
				stop()
				if err != nil {
					return err
				}
			}
			if f.asJSON {
				return writeJSON(cmd.OutOrStdout(), z)
			}
			return report.TextZone(cmd.OutOrStdout(), title, z)
		},
	}
	f.register(cmd)
	cmd.Flags().StringArrayVar(&sets, "set", nil, "TERM=VALUE: fix a term (schedules must be fixed)")
	cmd.Flags().StringVar(&online.server, "server", "", "explore a room on this server (as its mediator); --room is then its id")
	cmd.Flags().StringVar(&online.key, "key", "", "the mediator's private key file (with --server)")
	return cmd
}

func newTalksCommitCmd() *cobra.Command {
	var party, commitment string
	cmd := roomFileCmd(&cobra.Command{
		Use:   "commit --room FILE --party ID [--verify HEX]",
		Short: "Print a party's red lines with their salt and commitment, or verify revealed red lines against a commitment",
		Long: `commit prints the red lines of a party in the room file, with the salt (a
fresh one when the file gives none) and the commitment: the SHA-256 that goes
into the evidence log as a talks_commitment record. Keep the printed red
lines and salt private. With --verify HEX it checks that the red lines in the
file (salt included) are the ones committed to: exit status 1 when not.`,
		Example: `  accord talks commit --room muscat-2025 --party us --json > us-red-lines.json`,
	}, func(cmd *cobra.Command, f *talksFlags, _ *talks.Spec, room *talks.Room) error {
		if party == "" {
			return usageError{errors.New("--party is required")}
		}
		rl, err := room.RedLinesOf(room.Mediator, party)
		if err != nil {
			return err
		}
		if commitment != "" {
			if !talks.VerifyReveal(rl, strings.ToLower(commitment)) {
				return fmt.Errorf("the red lines of %s in %s do not match the commitment %s", party, f.room, commitment)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "the red lines of %s match the commitment %s\n", party, commitment)
			return nil
		}
		if f.asJSON {
			return writeJSON(cmd.OutOrStdout(), rl.Keep())
		}
		return report.TextRedLines(cmd.OutOrStdout(), room.ID, rl)
	})
	cmd.Flags().StringVar(&party, "party", "", "the party")
	cmd.Flags().StringVar(&commitment, "verify", "", "a commitment (hex) to verify the red lines against")
	return cmd
}
