// The waiting room: a customer who arrives before being admitted waits in a line — the
// appointment's queue, or for an appointment without one, its specialist's — with a position
// and an estimated wait; staff admit (one customer, or the next of a queue, atomically) or
// decline with a message. Media starts only after admission; staff joining a call admits it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "domain/appointments.h"
#include "domain/principal.h"
#include "domain/queues.h"
#include "store/sqlite.h"

namespace assist {

constexpr std::size_t max_closing_message_characters = 200;

// A customer in line now (connected, not admitted, appointment open).
struct WaitingCustomer {
  Appointment appointment;
  int position = 1;                          // 1: next in their line
  std::optional<std::int64_t> estimate;      // seconds; nullopt: not enough history to say
};

// Where one appointment's customer stands; nullopt when not waiting in line.
std::optional<WaitingCustomer> place_in_line(Db& db, const Appointment& appointment);
// Everyone waiting whom `viewer` may see, oldest arrival first.
std::vector<WaitingCustomer> waiting_customers(Db& db, const Principal& viewer);
std::vector<WaitingCustomer> waiting_in_queue(Db& db, const Queue& queue);

// Inside the caller's transaction: marks the appointment admitted (once; audited) and, when it
// has no specialist yet, assigns `assignee`.
void admit_in_transaction(Db& db, std::int64_t appointment_id, std::optional<std::int64_t> assignee,
                          const std::string& actor, std::int64_t now);

// Own transaction. Staff who may see the appointment; a specialist takes it if unassigned.
Appointment admit(Db& db, const Appointment& appointment, const Principal& by, std::int64_t now);
// Own transaction: the queue's longest-waiting customer, admitted and assigned to `by` — two
// callers never get the same one. nullopt when nobody waits.
std::optional<Appointment> take_next(Db& db, const Queue& queue, const Principal& by, std::int64_t now);
// Own transaction: the appointment is cancelled with the reason "declined"; the customer is
// shown `message`. Throws DomainError(conflict) once it has been admitted.
Appointment decline(Db& db, const Appointment& appointment, const std::string& message, const Principal& by);

// Whether a queue takes a new customer now.
struct QueueStatus {
  std::string state;  // "open", "closed" (by an operator), "outside_hours", "full"
  std::optional<std::int64_t> next_opening;
  std::int64_t waiting = 0;
};
QueueStatus queue_status(Db& db, const Queue& queue, std::int64_t now);

// Own transaction: a customer from the queue's entry page becomes an on-demand appointment in
// it, with a customer link (in `token`). DomainError(conflict) "queue_closed"/"queue_full"/
// "queue_outside_hours" when the queue does not take them.
struct QueueEntry {
  Appointment appointment;
  std::string token;
};
QueueEntry enter_queue(Db& db, const Queue& queue, NewAppointment customer, std::int64_t lead_time,
                       std::int64_t now);

// Own transaction: the queue stops taking customers and everyone waiting in it is sent away
// with `message` (appointments cancelled with the reason "queue_closed"). Returns them.
std::vector<std::int64_t> close_queue(Db& db, const Queue& queue, const std::string& message, const Principal& by);

}  // namespace assist
