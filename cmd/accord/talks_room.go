package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/accordverify/accord/internal/app"
	"github.com/accordverify/accord/internal/client"
	"github.com/accordverify/accord/internal/keyfile"
	"github.com/accordverify/accord/internal/report"
	"github.com/accordverify/accord/internal/talks"
)

// clientFlags are the flags of the commands that act in a room on a
// server.
type clientFlags struct {
	server, key, room string
}

// open signs in to the server with the key and returns the room.
func (f *clientFlags) open(ctx context.Context) (*client.Room, error) {
	if f.server == "" || f.key == "" || f.room == "" {
		return nil, usageError{errors.New("--server, --key and --room are required")}
	}
	return client.OpenRoom(ctx, f.server, f.key, f.room)
}

// serverCmd completes cmd as a command that acts on a server as one key:
// it registers --server, --key and --json and runs run with the flags,
// whose room run names (roomCmd: --room).
func serverCmd(cmd *cobra.Command, run func(cmd *cobra.Command, f *clientFlags) error) *cobra.Command {
	var f clientFlags
	cmd.Flags().StringVar(&f.server, "server", envOr("ACCORD_SERVER", ""), "the server's base URL [$ACCORD_SERVER]")
	cmd.Flags().StringVar(&f.key, "key", "", "your private key file (a key registered in the log)")
	cmd.Flags().Bool("json", false, "print the result as JSON")
	cmd.Args = cobra.NoArgs
	cmd.RunE = func(cmd *cobra.Command, _ []string) error { return run(cmd, &f) }
	return cmd
}

// roomCmd completes cmd as a command that acts in a room on a server as one
// key: it registers --server, --key and --room and runs run with the room.
func roomCmd(cmd *cobra.Command, run func(cmd *cobra.Command, r *client.Room) error) *cobra.Command {
	var room string
	cmd.Flags().StringVar(&room, "room", "", "the room's id")
	return serverCmd(cmd, func(cmd *cobra.Command, f *clientFlags) error {
		f.room = room
		r, err := f.open(cmd.Context())
		if err != nil {
			return err
		}
		return run(cmd, r)
	})
}

func printJSON(cmd *cobra.Command, v any) error { return writeJSON(cmd.OutOrStdout(), v) }

// say prints what a room command did: v as JSON with --json, else the
// sentence.
func say(cmd *cobra.Command, v any, format string, a ...any) error {
	if asJSON, _ := cmd.Flags().GetBool("json"); asJSON {
		return printJSON(cmd, v)
	}
	_, err := fmt.Fprintf(cmd.OutOrStdout(), format+"\n", a...)
	return err
}

func newTalksOpenCmd() *cobra.Command {
	var file string
	cmd := serverCmd(&cobra.Command{
		Use:   "open --server URL --key MEDIATOR.key --file ROOM.yaml",
		Short: "Open a room on the server as its mediator, from a room file (its red lines are not sent: each party submits its own)",
		Example: `  accord talks open --server http://127.0.0.1:8080 --key ~/.local/share/accord/demo/keys/oman.key --file muscat-2025
  accord talks open --server http://127.0.0.1:8080 --key ~/.local/share/accord/demo/keys/oman.key --file my-room.yaml`,
	}, func(cmd *cobra.Command, f *clientFlags) error {
		spec, _, err := app.LoadRoom(file)
		if err != nil {
			return namedInputError("file", err)
		}
		f.room = spec.ID
		room, err := f.open(cmd.Context())
		if err != nil {
			return err
		}
		view, err := room.Open(cmd.Context(), spec)
		if err != nil {
			return err
		}
		if len(spec.RedLines) > 0 {
			fmt.Fprintf(cmd.ErrOrStderr(), "the red lines in %s were not sent: each party submits its own with accord talks red-lines\n", file)
		}
		return say(cmd, view, "room %s opened, mediated by %s, parties %s", view.ID, view.Mediator, strings.Join(talks.PartyIDs(view.Parties), ", "))
	})
	cmd.Flags().StringVar(&file, "file", "", "the room file, or a built-in room: muscat-2025, muscat-2025-no-zone, muscat-2025-verification")
	return cmd
}

func newTalksRedLinesCmd() *cobra.Command {
	var file, out string
	cmd := roomCmd(&cobra.Command{
		Use:   "red-lines --server URL --key PARTY.key --room ID --file RED-LINES.yaml --out KEEP.json",
		Short: "Submit your party's red lines: their commitment goes into the evidence log, signed by your key",
		Example: `  accord talks red-lines --server http://127.0.0.1:8080 --key ~/.local/share/accord/demo/keys/us.key --room muscat-2025-live \
    --file us-red-lines.yaml --out us-red-lines.keep.json`,
		Long: `red-lines reads your constraints (YAML: constraints: [{subject, op, value or
text}]), adds a fresh salt, signs a talks_commitment record of their
commitment with your key, and submits both. The server keeps the red lines
for you and the mediator only; the log keeps the commitment. Keep the file
--out writes (your red lines with the salt): revealing it later proves they
did not move (accord talks commit --verify).`,
		PreRunE: func(*cobra.Command, []string) error {
			if file == "" || out == "" {
				return usageError{errors.New("--file and --out are required")}
			}
			return nil
		},
	}, func(cmd *cobra.Command, room *client.Room) error {
		constraints, err := app.ParseFile(file, "", talks.ParseConstraints)
		if err != nil {
			return err
		}
		rl := talks.RedLines{Room: room.ID, Party: room.Party(), Constraints: constraints, Salt: talks.NewSalt()}
		keep, _ := json.MarshalIndent(rl.Keep(), "", "  ")
		if err := keyfile.WriteNew(out, append(keep, '\n'), 0o600); err != nil {
			return fmt.Errorf("--out: %w", err)
		}
		commitment, logged, err := room.SubmitRedLines(cmd.Context(), rl)
		if err != nil {
			_ = os.Remove(out)
			return err
		}
		return say(cmd, map[string]any{"party": rl.Party, "commitment": commitment, "logged": logged, "kept_in": out},
			"red lines of %s submitted; commitment %s in the log at index %d; kept in %s", rl.Party, commitment, logged.Index, out)
	})
	cmd.Flags().StringVar(&file, "file", "", "your constraints (YAML)")
	cmd.Flags().StringVar(&out, "out", "", "where to keep your red lines with their salt (created 0600; must not exist)")
	return cmd
}

func newTalksShowCmd() *cobra.Command {
	return roomCmd(&cobra.Command{
		Use:     "show --server URL --key KEY --room ID",
		Short:   "Your view of a room on the server (JSON)",
		Example: `  accord talks show --server http://127.0.0.1:8080 --key ~/.local/share/accord/demo/keys/us.key --room muscat-2025-live`,
	}, func(cmd *cobra.Command, room *client.Room) error {
		v, err := room.RawView(cmd.Context())
		if err != nil {
			return err
		}
		return printJSON(cmd, v)
	})
}

func newTalksProposeCmd() *cobra.Command {
	var sets []string
	var origin string
	var mask, hold bool
	cmd := roomCmd(&cobra.Command{
		Use:   "propose --server URL --key MEDIATOR.key --room ID --set TERM=VALUE ... [--origin PARTY] [--mask]",
		Short: "Put a package to the room (the mediator), possibly relaying a party's proposal under the mediator's name",
		Example: `  accord talks propose --server http://127.0.0.1:8080 --key ~/.local/share/accord/demo/keys/oman.key --room muscat-2025-live \
    --set enrichment_cap_pct=3.67 --set stockpile_cap_kg_u=202.8
  accord talks propose --server http://127.0.0.1:8080 --key ~/.local/share/accord/demo/keys/oman.key --room muscat-2025-live \
    --set enrichment_cap_pct=3.67 --origin iran --mask --hold`,
	}, func(cmd *cobra.Command, room *client.Room) error {
		values, err := parseSets(sets)
		if err != nil {
			return err
		}
		p, err := room.Propose(cmd.Context(), values, origin, mask, hold)
		if err != nil {
			return err
		}
		state := "released to the parties"
		if p.Released.IsZero() {
			state = "held: release it with accord talks release"
		}
		return say(cmd, p, "proposal %s, round %d, attributed to %s, %s", p.ID, p.Round, p.Attribution, state)
	})
	cmd.Flags().StringArrayVar(&sets, "set", nil, "TERM=VALUE")
	cmd.Flags().StringVar(&origin, "origin", "", "the party whose proposal this relays (default: the mediator)")
	cmd.Flags().BoolVar(&mask, "mask", false, "attribute it to the mediator")
	cmd.Flags().BoolVar(&hold, "hold", false, "keep it for the mediator until released")
	return cmd
}

func newTalksFeasibilityCmd() *cobra.Command {
	var proposal string
	cmd := roomCmd(&cobra.Command{
		Use:   "feasibility --server URL --key KEY --room ID --proposal P [--json]",
		Short: "Ask whether a proposal meets the red lines: you learn what your role allows (a party: its own), within your budget",
		Example: `  accord talks feasibility --server http://127.0.0.1:8080 --key ~/.local/share/accord/demo/keys/us.key --room muscat-2025-live --proposal p1
  accord talks feasibility --server http://127.0.0.1:8080 --key ~/.local/share/accord/demo/keys/oman.key --room muscat-2025-live --proposal p1 --json`,
	}, func(cmd *cobra.Command, room *client.Room) error {
		rep, err := room.Feasibility(cmd.Context(), proposal)
		if err != nil {
			return err
		}
		if asJSON, _ := cmd.Flags().GetBool("json"); asJSON {
			return printJSON(cmd, rep)
		}
		return report.TextFeasibility(cmd.OutOrStdout(), rep)
	})
	cmd.Flags().StringVar(&proposal, "proposal", "", "the proposal's id")
	return cmd
}

func newTalksTextCmd() *cobra.Command {
	var file string
	cmd := roomCmd(&cobra.Command{
		Use:     "text --server URL --key MEDIATOR.key --room ID --file TEXT.yaml",
		Short:   "Record a version of the single negotiating text (the mediator): clauses with their status, and values",
		Example: `  accord talks text --server http://127.0.0.1:8080 --key ~/.local/share/accord/demo/keys/oman.key --room muscat-2025-live --file text-v1.yaml`,
	}, func(cmd *cobra.Command, room *client.Room) error {
		in, err := app.ParseFile(file, "", talks.ParseText)
		if err != nil {
			return err
		}
		text, hash, err := room.AddText(cmd.Context(), in.Clauses, in.Values)
		if err != nil {
			return err
		}
		return say(cmd, map[string]any{"text": text, "sha256": hash}, "text version %d, sha256 %s", text.Version, hash)
	})
	cmd.Flags().StringVar(&file, "file", "", "the text (YAML: clauses [{id, text, status, terms}], values)")
	return cmd
}

func newTalksConfirmCmd() *cobra.Command {
	var version int
	cmd := roomCmd(&cobra.Command{
		Use:   "confirm --server URL --key PARTY.key --room ID --version N",
		Short: "Confirm a version of the negotiating text: your signature over its hash goes into the evidence log",
		Example: `  accord talks confirm --server http://127.0.0.1:8080 --key ~/.local/share/accord/demo/keys/us.key --room muscat-2025-live --version 1
  accord talks confirm --server http://127.0.0.1:8080 --key ~/.local/share/accord/demo/keys/iran.key --room muscat-2025-live --version 1`,
		Long: `confirm fetches the text, computes its hash here (it does not trust the
server's), shows it, signs a talks_commitment record of the hash with your
key and submits it.`,
	}, func(cmd *cobra.Command, room *client.Room) error {
		v, err := room.View(cmd.Context())
		if err != nil {
			return err
		}
		if version < 1 || version > len(v.Texts) {
			return usageError{fmt.Errorf("--version: the room has %d versions of the text", len(v.Texts))}
		}
		t := v.Texts[version-1]
		if asJSON, _ := cmd.Flags().GetBool("json"); !asJSON {
			_ = report.TextClauses(cmd.OutOrStdout(), t)
		}
		logged, final, err := room.Confirm(cmd.Context(), version, t)
		if err != nil {
			return err
		}
		end := ""
		if final {
			end = "; every party has confirmed it: the text is final"
		}
		return say(cmd, map[string]any{"version": version, "sha256": t.Hash(), "party": room.Party(), "logged": logged, "final": final},
			"version %d (sha256 %s) confirmed by %s, log index %d%s", version, t.Hash(), room.Party(), logged.Index, end)
	})
	cmd.Flags().IntVar(&version, "version", 0, "the text's version")
	return cmd
}

func newTalksReleaseCmd() *cobra.Command {
	var proposal string
	cmd := roomCmd(&cobra.Command{
		Use:     "release --server URL --key MEDIATOR.key --room ID --proposal P",
		Short:   "Release a held proposal to every party at once (the mediator)",
		Example: `  accord talks release --server http://127.0.0.1:8080 --key ~/.local/share/accord/demo/keys/oman.key --room muscat-2025-live --proposal p1`,
	}, func(cmd *cobra.Command, room *client.Room) error {
		v, err := room.View(cmd.Context())
		if err != nil {
			return err
		}
		i := slices.IndexFunc(v.Proposals, func(p talks.ProposalView) bool { return p.ID == proposal })
		if i < 0 {
			return usageError{fmt.Errorf("--proposal: no proposal %q in the room", proposal)}
		}
		if err := room.Release(cmd.Context(), v.Proposals[i]); err != nil {
			return err
		}
		return say(cmd, map[string]any{"proposal": proposal, "released": true}, "proposal %s released to every party", proposal)
	})
	cmd.Flags().StringVar(&proposal, "proposal", "", "the proposal's id")
	return cmd
}

func newTalksNoteCmd() *cobra.Command {
	var text string
	cmd := roomCmd(&cobra.Command{
		Use:     "note --server URL --key MEDIATOR.key --room ID --text TEXT",
		Short:   "Record a private note (the mediator; no party reads it)",
		Example: `  accord talks note --server http://127.0.0.1:8080 --key ~/.local/share/accord/demo/keys/oman.key --room muscat-2025-live --text "Iran open to 3.67 % if relief is front-loaded"`,
	}, func(cmd *cobra.Command, room *client.Room) error {
		if err := room.Note(cmd.Context(), text); err != nil {
			return err
		}
		return say(cmd, map[string]any{"noted": true}, "note recorded; no party reads it")
	})
	cmd.Flags().StringVar(&text, "text", "", "the note")
	return cmd
}

func newTalksSendCmd() *cobra.Command {
	var kind, body, proposal string
	cmd := roomCmd(&cobra.Command{
		Use:   "send --server URL --key PARTY.key --room ID --kind KIND --body TEXT [--proposal P]",
		Short: "Write to the mediator (a party): a proposal, a question, a criticism or an acceptance",
		Example: `  accord talks send --server http://127.0.0.1:8080 --key ~/.local/share/accord/demo/keys/iran.key --room muscat-2025-live --kind question --body "Is the cap in UF6 or in U?"
  accord talks send --server http://127.0.0.1:8080 --key ~/.local/share/accord/demo/keys/us.key --room muscat-2025-live --kind acceptance --proposal p1 --body "Acceptable"`,
	}, func(cmd *cobra.Command, room *client.Room) error {
		m, err := room.Send(cmd.Context(), kind, body, proposal)
		if err != nil {
			return err
		}
		return say(cmd, m, "message %s to the mediator", m.ID)
	})
	cmd.Flags().StringVar(&kind, "kind", "question", "proposal, question, criticism or acceptance")
	_ = cmd.RegisterFlagCompletionFunc("kind", cobra.FixedCompletions([]string{"proposal", "question", "criticism", "acceptance"}, cobra.ShellCompDirectiveNoFileComp))
	cmd.Flags().StringVar(&body, "body", "", "the message")
	cmd.Flags().StringVar(&proposal, "proposal", "", "the proposal it is about, if any")
	return cmd
}

func newTalksRelayCmd() *cobra.Command {
	var of, body string
	var to []string
	var mask, release bool
	cmd := roomCmd(&cobra.Command{
		Use:   "relay --server URL --key MEDIATOR.key --room ID --to PARTY [--of MESSAGE] [--body TEXT] [--mask] [--release]",
		Short: "Relay a party's message, or write your own, to parties (the mediator); released to all at once",
		Example: `  accord talks relay --server http://127.0.0.1:8080 --key ~/.local/share/accord/demo/keys/oman.key --room muscat-2025-live --to us --of m1 --mask --release
  accord talks relay --server http://127.0.0.1:8080 --key ~/.local/share/accord/demo/keys/oman.key --room muscat-2025-live --to us --to iran --body "Next round on Saturday"`,
	}, func(cmd *cobra.Command, room *client.Room) error {
		m, err := room.Relay(cmd.Context(), of, body, to, mask)
		if err != nil {
			return err
		}
		state := "held (release it with POST /api/v1/talks/rooms/ROOM/messages/release)"
		if release {
			if err := room.ReleaseMessages(cmd.Context(), m.ID); err != nil {
				return err
			}
			state = "released"
		}
		return say(cmd, m, "relay %s to %s, %s", m.ID, strings.Join(to, ", "), state)
	})
	cmd.Flags().StringVar(&of, "of", "", "the party's message to relay")
	cmd.Flags().StringVar(&body, "body", "", "the text (default: the relayed message's)")
	cmd.Flags().StringArrayVar(&to, "to", nil, "a recipient party (repeat for several)")
	cmd.Flags().BoolVar(&mask, "mask", false, "attribute it to the mediator")
	cmd.Flags().BoolVar(&release, "release", true, "release it at once")
	return cmd
}

func newTalksInboxCmd() *cobra.Command {
	cmd := roomCmd(&cobra.Command{
		Use:     "inbox --server URL --key KEY --room ID [--json]",
		Short:   "Your messages: a party's own and the relays released to it; the mediator's all",
		Example: "  accord talks inbox --server http://127.0.0.1:8080 --key ~/.local/share/accord/demo/keys/us.key --room muscat-2025-live --json",
	}, func(cmd *cobra.Command, room *client.Room) error {
		messages, err := room.Inbox(cmd.Context())
		if err != nil {
			return err
		}
		if asJSON, _ := cmd.Flags().GetBool("json"); asJSON {
			if messages == nil {
				messages = []talks.Message{}
			}
			return printJSON(cmd, messages)
		}
		return report.TextInbox(cmd.OutOrStdout(), messages)
	})
	return cmd
}
