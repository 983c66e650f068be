// camera: staff steer the customer's camera. The customer's page says what its camera can do
// (camera: front or rear and whether it can switch, a torch, a zoom and how far, and whether the
// customer lets staff steer it); staff see the latest, also when they join. camera_control
// (staff only) is checked against it — nothing the camera cannot do, nothing the customer has
// not allowed — audited as camera.flip, camera.torch or camera.zoom, and passed to the customer's
// page, which applies it, shows it, and reports again.
#pragma once

#include "store/sqlite.h"

namespace assist::signalling {

class Hub;

void add_camera_handler(Hub& hub, Db& db);

}  // namespace assist::signalling
