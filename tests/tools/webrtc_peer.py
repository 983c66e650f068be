"""What assist-peer and assist-load share: webrtcbin set up as a browser would be (max-bundle,
a loopback candidate), the RTP caps its sink pads need, and the offer/answer exchanges, with
the PyGObject workarounds they need on Debian 12."""

import ctypes

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstWebRTC", "1.0")
gi.require_version("GstSdp", "1.0")
from gi.repository import Gst, GstSdp, GstWebRTC  # noqa: E402

# webrtcbin sink pads need full RTP caps; Chrome refuses an Opus m-line without encoding-params.
VIDEO_CAPS = "application/x-rtp,media=video,encoding-name=VP8,payload=96,clock-rate=90000"
AUDIO_CAPS = ("application/x-rtp,media=audio,encoding-name=OPUS,payload=111,clock-rate=48000,"
              "encoding-params=(string)2")

_gobject = ctypes.CDLL("libgobject-2.0.so.0")
_gobject.g_object_ref.argtypes = [ctypes.c_void_p]
ctypes.pythonapi.PyCapsule_GetPointer.restype = ctypes.c_void_p
ctypes.pythonapi.PyCapsule_GetPointer.argtypes = [ctypes.py_object, ctypes.c_char_p]


def ice_agent(webrtc):
    """webrtcbin's ICE agent. PyGObject releases a reference it was never given for this
    property (seen with Debian 12's python3-gi), freeing the agent under webrtcbin; take one
    more reference to balance it."""
    agent = webrtc.get_property("ice-agent")
    _gobject.g_object_ref(ctypes.pythonapi.PyCapsule_GetPointer(agent.__gpointer__, None))
    return agent


def new_webrtc(on_candidate):
    """A webrtcbin that also gathers a 127.0.0.1 candidate; on_candidate(mline, candidate) is
    called for each local candidate (on webrtcbin's thread)."""
    webrtc = Gst.ElementFactory.make("webrtcbin", None)
    webrtc.set_property("bundle-policy", GstWebRTC.WebRTCBundlePolicy.MAX_BUNDLE)
    webrtc.set_property("latency", 40)
    ice_agent(webrtc).emit("add-local-ip-address", "127.0.0.1")
    webrtc.connect("on-ice-candidate", lambda _w, mline, candidate: on_candidate(mline, candidate))
    return webrtc


def description(sdp_type, text):
    ok, message = GstSdp.SDPMessage.new_from_text(text)
    return GstWebRTC.WebRTCSessionDescription.new(sdp_type, message)


def _local_description(webrtc, field, on_sdp):
    def done(promise, _):
        reply = promise.get_reply()  # keep it alive: the description points into it
        local = reply.get_value(field)
        webrtc.emit("set-local-description", local, None)
        on_sdp(local.sdp.as_text())
    return Gst.Promise.new_with_change_func(done, None)


def offer(webrtc, on_sdp):
    """Creates and sets the local offer; on_sdp(text) sends it."""
    webrtc.emit("create-offer", None, _local_description(webrtc, "offer", on_sdp))


def answer(webrtc, offer_text, on_sdp):
    """Sets the remote offer, then creates and sets the local answer; on_sdp(text) sends it."""
    def remote_set(_promise, _):
        webrtc.emit("create-answer", None, _local_description(webrtc, "answer", on_sdp))
    webrtc.emit("set-remote-description", description(GstWebRTC.WebRTCSDPType.OFFER, offer_text),
                Gst.Promise.new_with_change_func(remote_set, None))


def accept_answer(webrtc, answer_text):
    webrtc.emit("set-remote-description", description(GstWebRTC.WebRTCSDPType.ANSWER, answer_text), None)
