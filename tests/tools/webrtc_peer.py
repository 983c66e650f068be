"""What assist-peer and assist-load share: a participant's one connection as protocol v2 has it
(a webrtcbin set up as a browser would be: max-bundle, a loopback candidate; the participant
offers, assistd answers), the RTP caps its sink pads need, the encoders, payloaders and
depayloaders for each codec, and the PyGObject workarounds they need on Debian 12."""

import ctypes
import time

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstWebRTC", "1.0")
gi.require_version("GstSdp", "1.0")
from gi.repository import GLib, Gst, GstSdp, GstWebRTC  # noqa: E402

PROTOCOL_VERSION = 2

# webrtcbin sink pads need full RTP caps; Chrome refuses an Opus m-line without encoding-params.
VP8_CAPS = "application/x-rtp,media=video,encoding-name=VP8,payload=96,clock-rate=90000"
# assistd takes H.264 with packetization-mode 1 only. The profile is left to the payloader.
H264_CAPS = ("application/x-rtp,media=video,encoding-name=H264,payload=102,clock-rate=90000,"
             "packetization-mode=(string)1")
AUDIO_CAPS = ("application/x-rtp,media=audio,encoding-name=OPUS,payload=111,clock-rate=48000,"
              "encoding-params=(string)2")

CODECS = ("vp8", "h264")

# H.264 encoders, best first: x264enc (gstreamer1.0-plugins-ugly), openh264enc
# (gstreamer1.0-plugins-bad), avenc_h264 (gstreamer1.0-libav, with an FFmpeg built with one).
# Each is told to make constrained baseline with a short GOP; %(kbps)d and %(gop)d are filled in.
H264_ENCODERS = (
    ("x264enc", "x264enc tune=zerolatency speed-preset=ultrafast bitrate=%(kbps)d key-int-max=%(gop)d "
                "threads=1 ! video/x-h264,profile=constrained-baseline"),
    ("openh264enc", "openh264enc bitrate=%(bps)d gop-size=%(gop)d complexity=low rate-control=bitrate "
                    "multi-thread=1 ! video/x-h264,profile=constrained-baseline"),
    ("avenc_h264", "avenc_h264 bitrate=%(bps)d gop-size=%(gop)d ! video/x-h264,profile=constrained-baseline"),
)
H264_DECODERS = ("openh264dec", "avdec_h264")

_gobject = ctypes.CDLL("libgobject-2.0.so.0")
_gobject.g_object_ref.argtypes = [ctypes.c_void_p]
ctypes.pythonapi.PyCapsule_GetPointer.restype = ctypes.c_void_p
ctypes.pythonapi.PyCapsule_GetPointer.argtypes = [ctypes.py_object, ctypes.c_char_p]


def h264_encoder():
    """The name of the first H.264 encoder this GStreamer has, or None."""
    for name, _ in H264_ENCODERS:
        if Gst.ElementFactory.find(name):
            return name
    return None


def video_caps(codec):
    return H264_CAPS if codec == "h264" else VP8_CAPS


def video_encoder(codec, kbps, gop, vp8_options=""):
    """A launch-line fragment from raw video to encoded frames; ValueError when this GStreamer
    has no encoder for the codec."""
    if codec == "vp8":
        return ("vp8enc deadline=1 target-bitrate=%d keyframe-max-dist=%d %s"
                % (kbps * 1000, gop, vp8_options)).strip()
    for name, description in H264_ENCODERS:
        if Gst.ElementFactory.find(name):
            return description % {"kbps": kbps, "bps": kbps * 1000, "gop": gop}
    raise ValueError("no H.264 encoder in this GStreamer (looked for %s)"
                     % ", ".join(name for name, _ in H264_ENCODERS))


def video_payloader(codec, mtu=1200):
    """A launch-line fragment from encoded frames to RTP with the caps webrtcbin's sink pad needs."""
    if codec == "h264":
        return ("h264parse config-interval=-1 ! rtph264pay pt=102 mtu=%d config-interval=-1 "
                "aggregate-mode=zero-latency ! capsfilter caps=\"%s\"" % (mtu, H264_CAPS))
    return "rtpvp8pay pt=96 mtu=%d picture-id-mode=15-bit ! capsfilter caps=\"%s\"" % (mtu, VP8_CAPS)


def decoder(encoding):
    """A launch-line fragment from received RTP to raw media, by the caps' encoding-name, or None
    when this GStreamer cannot decode it."""
    encoding = (encoding or "").upper()
    if encoding == "VP8":
        return "rtpvp8depay ! vp8dec"
    if encoding == "OPUS":
        return "rtpopusdepay ! opusdec"
    if encoding == "H264":
        for name in H264_DECODERS:
            if Gst.ElementFactory.find(name):
                return "rtph264depay ! h264parse ! %s" % name
    return None


def ice_agent(webrtc):
    """webrtcbin's ICE agent. PyGObject releases a reference it was never given for this
    property (seen with Debian 12's python3-gi), freeing the agent under webrtcbin; take one
    more reference to balance it."""
    agent = webrtc.get_property("ice-agent")
    _gobject.g_object_ref(ctypes.pythonapi.PyCapsule_GetPointer(agent.__gpointer__, None))
    return agent


def new_webrtc(on_candidate, name=None):
    """A webrtcbin that bundles everything on one transport (as assistd requires) and also
    gathers a 127.0.0.1 candidate; on_candidate(mline, candidate) is called for each local
    candidate (on webrtcbin's thread)."""
    webrtc = Gst.ElementFactory.make("webrtcbin", name)
    webrtc.set_property("bundle-policy", GstWebRTC.WebRTCBundlePolicy.MAX_BUNDLE)
    webrtc.set_property("latency", 40)
    ice_agent(webrtc).emit("add-local-ip-address", "127.0.0.1")
    webrtc.connect("on-ice-candidate", lambda _w, mline, candidate: on_candidate(mline, candidate))
    return webrtc


def add_sender(webrtc, src_pad, direction=GstWebRTC.WebRTCRTPTransceiverDirection.SENDRECV):
    """Links src_pad (RTP with full caps) to a new sink pad of webrtcbin, which makes the next
    transceiver (the next m-line of the offer), and gives that transceiver `direction`: sendrecv
    sends our media up and receives the other participant's on the same m-line."""
    sink = webrtc.request_pad_simple("sink_%u")
    result = src_pad.link(sink)
    if result != Gst.PadLinkReturn.OK:
        raise RuntimeError("cannot link %s to webrtcbin: %s" % (src_pad.get_name(), result.value_nick))
    transceiver = sink.get_property("transceiver")
    transceiver.set_property("direction", direction)
    return transceiver


def add_receiver(webrtc, caps):
    """A receive-only m-line for this codec (nothing of ours goes up on it)."""
    return webrtc.emit("add-transceiver", GstWebRTC.WebRTCRTPTransceiverDirection.RECVONLY,
                       Gst.Caps.from_string(caps))


def mline_of(pad):
    """The m-line (transceiver) a webrtcbin pad belongs to, or None."""
    transceiver = pad.get_property("transceiver")
    return transceiver.get_property("mlineindex") if transceiver is not None else None


def encoding_of(pad):
    caps = pad.get_current_caps()
    structure = caps.get_structure(0) if caps else None
    if structure is None:
        return None, None
    return structure.get_value("media"), structure.get_value("encoding-name")


def description(sdp_type, text):
    ok, message = GstSdp.SDPMessage.new_from_text(text)
    if ok != GstSdp.SDPResult.OK:
        raise ValueError("not an SDP message")
    return GstWebRTC.WebRTCSessionDescription.new(sdp_type, message)


def _has_ssrc(pad):
    caps = pad.get_current_caps()
    return caps is not None and caps.get_size() > 0 and caps.get_structure(0).has_field("ssrc")


def offer(webrtc, on_sdp, wait_seconds=5.0):
    """Creates and sets the local offer once every linked sink pad has caps with its SSRC (or
    after wait_seconds); on_sdp(text) must send it at once, before it returns (it runs on
    webrtcbin's thread, once setting the offer is queued and before the first local candidate
    can be reported). Waiting is what puts an a=ssrc line in every sending m-line, as browsers
    have: webrtcbin 1.22 writes them only
    from negotiated caps, and a bundled receiver without them (and without the mid header
    extension, which webrtcbin 1.22 does not offer) cannot tell which m-line a stream is for."""
    pads = []
    webrtc.iterate_sink_pads().foreach(lambda pad: pads.append(pad) if pad.is_linked() else None)
    deadline = time.monotonic() + wait_seconds

    # Polled on the main loop: the pad's current caps are set once webrtcbin has taken the
    # caps event (a caps-event probe runs before that, and racing it left m-lines without
    # a=ssrc under load); a buffer probe would never fire, as webrtcbin holds buffers until
    # it is negotiated.
    def check():
        if all(_has_ssrc(p) for p in pads) or time.monotonic() >= deadline:
            _create_offer(webrtc, on_sdp)
            return False
        return True
    if check():
        GLib.timeout_add(10, check)
    return False


def _error_of(reply):
    """The message of the error in a webrtcbin promise's reply, or None."""
    return reply.get_value("error").message if reply is not None and reply.has_field("error") else None


def _create_offer(webrtc, on_sdp):
    def done(promise, _):
        reply = promise.get_reply()  # keep it alive: the description points into it
        local = reply.get_value("offer") if reply is not None else None
        if local is None:
            raise RuntimeError("webrtcbin made no offer: %s" % (_error_of(reply) or "no reply"))
        # Set before it is sent, as a browser does: an answer that came back before the offer
        # was set would be refused ("not in the correct state"), and the connection would never
        # be made. Setting it is queued behind this callback on webrtcbin's thread, so ICE
        # gathering starts, and candidates are reported, only after the offer is sent: assistd
        # refuses a candidate that comes before the offer (no_offer).
        webrtc.emit("set-local-description", local, None)
        on_sdp(local.sdp.as_text())
    webrtc.emit("create-offer", None, Gst.Promise.new_with_change_func(done, None))


def accept_answer(webrtc, answer_text, on_error):
    """Sets the server's answer; on_error(text) is told, on webrtcbin's thread, if it is refused."""
    def done(promise, _):
        error = _error_of(promise.get_reply())
        if error:
            on_error("set-remote-description: " + error)
    webrtc.emit("set-remote-description", description(GstWebRTC.WebRTCSDPType.ANSWER, answer_text),
                Gst.Promise.new_with_change_func(done, None))


def sdp_lines(text):
    return [line for line in text.replace("\r\n", "\n").split("\n") if line]
