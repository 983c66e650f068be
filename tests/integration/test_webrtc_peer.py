"""The test participants' own WebRTC helper (tests/tools/webrtc_peer.py), against a second
webrtcbin as the answerer: what assist-peer and assist-load do must be what a browser does, or a
call test fails for the tool's sake."""

import os
import sys
import time
import unittest

from harness import SOURCE_DIR

sys.path.insert(0, os.path.join(SOURCE_DIR, "tests", "tools"))
import webrtc_peer  # noqa: E402
from webrtc_peer import Gst, GstWebRTC  # noqa: E402

Gst.init(None)


class Offer(unittest.TestCase):
    def test_an_answer_that_comes_back_at_once_is_accepted(self):
        """The answer is set from within the callback that sends the offer, as soon as a server
        could answer: before the offerer has had time to set its offer. And no candidate is
        reported before the offer is sent (assistd refuses one that comes first)."""
        sent = []  # "offer" and "candidate", in the order they would go out
        pipeline = Gst.Pipeline()
        offerer = webrtc_peer.new_webrtc(lambda mline, candidate: sent.append("candidate"))
        answerer = Gst.ElementFactory.make("webrtcbin")
        for webrtc in (offerer, answerer):
            pipeline.add(webrtc)
        webrtc_peer.add_receiver(offerer, webrtc_peer.AUDIO_CAPS)
        answerer.emit("add-transceiver", GstWebRTC.WebRTCRTPTransceiverDirection.SENDONLY,
                      Gst.Caps.from_string(webrtc_peer.AUDIO_CAPS))
        pipeline.set_state(Gst.State.PLAYING)
        self.addCleanup(pipeline.set_state, Gst.State.NULL)
        errors, answered = [], []

        def send(offer_text):
            sent.append("offer")
            offer = webrtc_peer.description(GstWebRTC.WebRTCSDPType.OFFER, offer_text)
            promise = Gst.Promise.new()
            answerer.emit("set-remote-description", offer, promise)
            promise.wait()
            promise = Gst.Promise.new()
            answerer.emit("create-answer", None, promise)
            promise.wait()
            reply = promise.get_reply()  # keep it alive: the answer points into it
            answer = reply.get_value("answer")
            webrtc_peer.accept_answer(offerer, answer.sdp.as_text(), errors.append)
            answered.append(True)

        webrtc_peer.offer(offerer, send)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not errors and not (
                answered and "candidate" in sent
                and offerer.get_property("signaling-state") == GstWebRTC.WebRTCSignalingState.STABLE):
            time.sleep(0.01)
        self.assertEqual(errors, [])
        self.assertEqual(offerer.get_property("signaling-state"), GstWebRTC.WebRTCSignalingState.STABLE)
        self.assertEqual(sent[0], "offer", sent)
        self.assertIn("candidate", sent)


if __name__ == "__main__":
    unittest.main()
